//! Generates the Kotlin and Swift bindings from the built library:
//! `uniffi-bindgen generate --library target/debug/libfieldbook.so --language kotlin --out-dir DIR`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
