#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Double-precision libm for reference values computed inside tests.
func Foundation_cos(_ x: Double) -> Double { cos(x) }
func Foundation_sin(_ x: Double) -> Double { sin(x) }
func Foundation_exp(_ x: Double) -> Double { exp(x) }
func Foundation_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
