//! Compiles `csrc/sensor.c` into a static library with the `cc` crate and tells Cargo to link
//! it into every crate that depends on `sensor-sys`. `cc` picks the platform's C compiler
//! (`cc`/`gcc`/`clang`, or MSVC on Windows) and passes the target's flags.

fn main() {
    println!("cargo::rerun-if-changed=csrc/sensor.c");
    println!("cargo::rerun-if-changed=csrc/sensor.h");
    cc::Build::new()
        .file("csrc/sensor.c")
        .include("csrc")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .compile("sensor");
}
