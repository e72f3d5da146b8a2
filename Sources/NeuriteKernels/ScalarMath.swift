#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Scalar `Float` math from the platform's C library, in one place so that the layers above
/// need no platform imports. Each function is the C library's single-precision routine
/// (`expf`, `logf`, …), correctly rounded or within one ulp on glibc and Apple platforms.
public enum ScalarMath {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func erf(_ x: Float) -> Float { erff(x) }

    /// Logistic sigmoid `1 / (1 + e^-x)`, evaluated so that no intermediate overflows:
    /// `e^x / (1 + e^x)` for negative `x`.
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    @inlinable public static func exp(_ x: Double) -> Double { libm_exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { libm_log(x) }
    @inlinable public static func cos(_ x: Double) -> Double { libm_cos(x) }
    @inlinable public static func sin(_ x: Double) -> Double { libm_sin(x) }
}

// Double-precision entry points under distinct names: inside `ScalarMath` an unqualified `exp`
// would find the member overloads first and recurse.
@inlinable func libm_exp(_ x: Double) -> Double { exp(x) }
@inlinable func libm_log(_ x: Double) -> Double { log(x) }
@inlinable func libm_cos(_ x: Double) -> Double { cos(x) }
@inlinable func libm_sin(_ x: Double) -> Double { sin(x) }
