#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(ucrt)
    import ucrt
#endif

/// Scalar math from the platform's C library, in one place so that the layers above need no
/// platform imports. The functions that run over whole tensors are in `VectorMath`; these serve
/// the elementwise operations that have no vector kernel (`sin`, `cos`, `pow`, `sqrt`, `expm1`, …) and the
/// random-number transforms.
public enum ScalarMath {
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }

    @inlinable public static func log(_ x: Double) -> Double { libm_log(x) }
    @inlinable public static func cos(_ x: Double) -> Double { libm_cos(x) }
    @inlinable public static func sin(_ x: Double) -> Double { libm_sin(x) }
}

// Double-precision entry points under distinct names: inside `ScalarMath` an unqualified `log`
// would find the member overloads first and recurse.
@inlinable func libm_log(_ x: Double) -> Double { log(x) }
@inlinable func libm_cos(_ x: Double) -> Double { cos(x) }
@inlinable func libm_sin(_ x: Double) -> Double { sin(x) }
