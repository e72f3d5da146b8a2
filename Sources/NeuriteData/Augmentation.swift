import NeuriteCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How rotation samples the source image.
public enum Interpolation: Sendable {
    /// The nearest pixel.
    case nearest
    /// A weighted mean of the four nearest pixels.
    case bilinear
}

/// Image operations on `[C, H, W]` or batched `[N, C, H, W]` tensors with values in [0, 1],
/// following torchvision's functional transforms.
public enum ImageOps {
    /// Mirrors left–right (the last axis).
    public static func horizontalFlip(_ image: Tensor) -> Tensor {
        let width = image.shape[image.rank - 1]
        return image.indexSelect(axis: -1, indices: Array((0..<width).reversed()))
    }

    /// Mirrors top–bottom.
    public static func verticalFlip(_ image: Tensor) -> Tensor {
        let height = image.shape[image.rank - 2]
        return image.indexSelect(axis: -2, indices: Array((0..<height).reversed()))
    }

    /// Pads the last two axes by `padding` on every side (`Tensor.padded`, which also
    /// differentiates).
    public static func pad(_ image: Tensor, _ padding: Int, mode: PaddingMode = .zeros) -> Tensor {
        image.padded([(padding, padding), (padding, padding)], mode: mode)
    }

    /// The `height × width` window whose top-left corner is at (`top`, `left`).
    public static func crop(_ image: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
        image.slice(axis: -2, top..<(top + height)).slice(axis: -1, left..<(left + width))
    }

    /// Rotates by `degrees` counter-clockwise about the image centre, keeping the size; pixels
    /// from outside the image get `fill` (torchvision's `rotate`, `expand=False`).
    public static func rotate(_ image: Tensor, degrees: Double, interpolation: Interpolation = .bilinear, fill: Float = 0) -> Tensor {
        let (height, width) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
        let planes = image.scalarCount / max(height * width, 1)
        let angle = degrees * Double.pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let (centerX, centerY) = (Double(width - 1) / 2, Double(height - 1) / 2)
        let source = image.scalars
        return Tensor(unsafeUninitializedShape: image.shape) { output in
            for row in 0..<height {
                for column in 0..<width {
                    let (dx, dy) = (Double(column) - centerX, Double(row) - centerY)
                    let x = cosine * dx - sine * dy + centerX
                    let y = sine * dx + cosine * dy + centerY
                    for plane in 0..<planes {
                        let base = plane * height * width
                        func pixel(_ r: Int, _ c: Int) -> Float {
                            (0..<height).contains(r) && (0..<width).contains(c) ? source[base + r * width + c] : fill
                        }
                        let value: Float
                        switch interpolation {
                        case .nearest:
                            value = pixel(Int(y.rounded(.toNearestOrEven)), Int(x.rounded(.toNearestOrEven)))
                        case .bilinear:
                            let (x0, y0) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
                            let (fx, fy) = (Float(x - Double(x0)), Float(y - Double(y0)))
                            let top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
                            let bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
                            value = top * (1 - fy) + bottom * fy
                        }
                        output[base + row * width + column] = value
                    }
                }
            }
        }
    }

    /// `factor · image`, clamped to [0, 1] (torchvision's multiplicative brightness).
    public static func adjustBrightness(_ image: Tensor, factor: Float) -> Tensor {
        clamp(image * factor, min: 0, max: 1)
    }

    /// `factor · image + (1 − factor) · m`, clamped to [0, 1], where `m` is the mean of the image's
    /// grayscale version (0.2989 R + 0.587 G + 0.114 B for 3 channels, the channel itself for 1).
    /// One image `[C, H, W]` at a time.
    public static func adjustContrast(_ image: Tensor, factor: Float) -> Tensor {
        precondition(image.rank == 3, "adjustContrast: expected one image [C, H, W], got \(image.shape)")
        let gray =
            image.shape[0] == 3
            ? image[0] * 0.2989 + image[1] * 0.587 + image[2] * 0.114
            : image.mean(axis: 0)
        return clamp(image * factor + gray.mean() * (1 - factor), min: 0, max: 1)
    }
}

/// A random image augmentation, applied to each image of a batch with its own draws
/// (torchvision's random transforms; follow its conventions unless stated).
public enum Augmentation: Sendable {
    /// Mirror left–right with probability `p`.
    case horizontalFlip(p: Float = 0.5)
    /// Mirror top–bottom with probability `p`.
    case verticalFlip(p: Float = 0.5)
    /// Pad by `padding`, then crop the original size at a uniformly random position (the CIFAR
    /// recipe is `padding: 4`): a random translation.
    case randomCrop(padding: Int, mode: PaddingMode = .constant(0))
    /// Rotate by an angle uniform in [−degrees, degrees], counter-clockwise positive. Bilinear by
    /// default (torchvision defaults to nearest).
    case rotation(degrees: Double, interpolation: Interpolation = .bilinear, fill: Float = 0)
    /// Multiply by a factor uniform in [max(0, 1 − v), 1 + v] (ColorJitter's brightness).
    case brightness(Float)
    /// Blend with the mean gray by a factor uniform in [max(0, 1 − v), 1 + v].
    case contrast(Float)
    /// Add N(0, σ²) noise, clamped to [0, 1].
    case gaussianNoise(standardDeviation: Float)
    /// Fill a `size × size` square at a uniformly random centre (clipped at the border) with
    /// `fill` (cutout / random erasing), with probability `p`.
    case cutout(size: Int, p: Float = 1, fill: Float = 0)

    /// Applies the augmentation to one image `[C, H, W]`.
    public func apply(_ image: Tensor, generator: inout PhiloxGenerator) -> Tensor {
        precondition(image.rank == 3, "Augmentation: expected one image [C, H, W], got \(image.shape)")
        let (height, width) = (image.shape[1], image.shape[2])
        switch self {
        case .horizontalFlip(let p):
            return generator.nextUniform() < p ? ImageOps.horizontalFlip(image) : image
        case .verticalFlip(let p):
            return generator.nextUniform() < p ? ImageOps.verticalFlip(image) : image
        case .randomCrop(let padding, let mode):
            let padded = ImageOps.pad(image, padding, mode: mode)
            let top = Int(generator.nextUniform() * Float(2 * padding + 1))
            let left = Int(generator.nextUniform() * Float(2 * padding + 1))
            return ImageOps.crop(padded, top: Swift.min(top, 2 * padding), left: Swift.min(left, 2 * padding), height: height, width: width)
        case .rotation(let degrees, let interpolation, let fill):
            let angle = (Double(generator.nextUniform()) * 2 - 1) * degrees
            return ImageOps.rotate(image, degrees: angle, interpolation: interpolation, fill: fill)
        case .brightness(let v):
            return ImageOps.adjustBrightness(image, factor: Self.factor(v, &generator))
        case .contrast(let v):
            return ImageOps.adjustContrast(image, factor: Self.factor(v, &generator))
        case .gaussianNoise(let deviation):
            return clamp(image + Tensor.normal(image.shape, standardDeviation: deviation, generator: &generator), min: 0, max: 1)
        case .cutout(let size, let p, let fill):
            guard generator.nextUniform() < p else { return image }
            let centerY = Int(generator.nextUniform() * Float(height)), centerX = Int(generator.nextUniform() * Float(width))
            var result = image
            result.withUnsafeMutableBufferPointer { buffer in
                for channel in 0..<image.shape[0] {
                    for row in Swift.max(0, centerY - size / 2)..<Swift.min(height, centerY - size / 2 + size) {
                        for column in Swift.max(0, centerX - size / 2)..<Swift.min(width, centerX - size / 2 + size) {
                            buffer[(channel * height + row) * width + column] = fill
                        }
                    }
                }
            }
            return result
        }
    }

    private static func factor(_ v: Float, _ generator: inout PhiloxGenerator) -> Float {
        let low = Swift.max(0, 1 - v), high = 1 + v
        return low + (high - low) * generator.nextUniform()
    }

    /// Applies `augmentations` in order to every image of a batch `[N, C, H, W]`; targets are
    /// unchanged. Use it as a `DataLoader` transform.
    public static func pipeline(_ augmentations: [Augmentation]) -> @Sendable (Batch, inout PhiloxGenerator) -> Batch {
        { batch, generator in
            let images = (0..<batch.inputs.shape[0]).map { index in
                augmentations.reduce(batch.inputs[index]) { image, augmentation in augmentation.apply(image, generator: &generator) }
            }
            return Batch(inputs: images.isEmpty ? batch.inputs : Tensor.stack(images), targets: batch.targets)
        }
    }
}
