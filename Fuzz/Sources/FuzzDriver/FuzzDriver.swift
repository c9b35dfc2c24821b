import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Hands `body` to libFuzzer's driver with the process's arguments (`-max_total_time=…`, corpus folders)
/// and exits with its status. `body` gets each input; a crash or a sanitizer report in it is a finding.
/// (A `@_cdecl("LLVMFuzzerTestOneInput")` does not link in a SwiftPM executable: see
/// shared/reference/fuzzing-swift.md.)
public func fuzz(_ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}
