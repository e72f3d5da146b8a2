import CLibPNG
import NeuriteCore

/// Reading pictures.
public enum PNGReader {
    /// The image at `path` as grayscale `[1, H, W]` with values in [0, 1] (colour is converted by
    /// libpng's luminance weights). 8-bit files give `value / 255`; 16-bit files give the stored
    /// `value / 65535`, read linearly (libpng's simplified API would otherwise convert 16-bit
    /// values through a gamma curve on the way to 8 bits).
    public static func readGrayscale(_ path: String) throws(FileError) -> Tensor {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let reason = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw FileError(file: path, "not a readable PNG\(reason.isEmpty ? "" : ": \(reason)")")
        }
        defer { png_image_free(&image) }
        let (width, height) = (Int(image.width), Int(image.height))
        guard width > 0, height > 0, width * height <= 1 << 26 else {
            throw FileError(file: path, "image of \(width)×\(height) pixels is empty or too large")
        }
        let sixteenBit = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        if sixteenBit {
            image.format = UInt32(PNG_FORMAT_LINEAR_Y)
            var pixels = [UInt16](repeating: 0, count: width * height)
            // The row stride is in components (16-bit values), not bytes.
            let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width), nil) }
            guard finished != 0 else { throw FileError(file: path, "corrupt PNG data") }
            return Tensor(pixels.map { Float($0) / 65535 }, shape: [1, height, width])
        }
        image.format = UInt32(PNG_FORMAT_GRAY)
        var pixels = [UInt8](repeating: 0, count: width * height)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width), nil) }
        guard finished != 0 else { throw FileError(file: path, "corrupt PNG data") }
        return Tensor(pixels.map { Float($0) / 255 }, shape: [1, height, width])
    }
}
