#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Double-precision libm for reference values computed inside tests.
func Foundation_exp(_ x: Double) -> Double { exp(x) }
func Foundation_sin(_ x: Double) -> Double { sin(x) }
