// Declares every command in the app manifest so that each one goes through
// Tauri's permission system and the capability file can allow them by name.
fn main() {
    println!("cargo:rerun-if-changed=../crates/core/src/api/commands.in");
    let commands: &[&str] = include!("../crates/core/src/api/commands.in");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(err) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {err:#}");
        std::process::exit(1);
    }
}
