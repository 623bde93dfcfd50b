//! Safe relative paths (PACK_FORMAT.md, "Paths").
//!
//! Every name in a zip and every path in a manifest goes through
//! [`check_path`] before it is compared, joined to a folder or shown. The
//! rules are deliberately stricter than Linux needs: packs are made on one
//! OS and unpacked on others (Windows, macOS), and a name that is harmless
//! here can escape a folder or collide there.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

/// Longest path in bytes.
pub const MAX_PATH_BYTES: usize = 1024;
/// Longest path component in bytes (the common file-system name limit).
pub const MAX_COMPONENT_BYTES: usize = 255;

/// Which path rule a name breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// The path is empty.
    Empty,
    /// The path starts with `/`.
    Absolute,
    /// The path is longer than [`MAX_PATH_BYTES`].
    TooLong,
    /// A component is longer than [`MAX_COMPONENT_BYTES`].
    ComponentTooLong,
    /// Two slashes in a row, or a trailing slash.
    EmptyComponent,
    /// A `.` or `..` component.
    DotComponent,
    /// A backslash, which Windows reads as a separator.
    Backslash,
    /// A `:`, which Windows reads as a drive or an alternate data stream.
    Colon,
    /// A control, bidirectional-override or line-separator character.
    ControlOrBidi,
    /// One of `< > " | ? *`, which Windows refuses in names.
    WindowsForbiddenChar,
    /// A component starting with `.` (hidden files, and our `.part` files).
    Hidden,
    /// A Windows device name such as `CON` or `com1.txt`.
    WindowsReserved,
    /// A component ending in `.` or space, which Windows silently strips.
    TrailingDotOrSpace,
    /// The path is not in Unicode NFC.
    NotNfc,
}

impl PathProblem {
    /// A short phrase that completes "entry `x` …".
    pub fn describe(self) -> &'static str {
        match self {
            PathProblem::Empty => "has an empty name",
            PathProblem::Absolute => "is an absolute path",
            PathProblem::TooLong => "is longer than 1024 bytes",
            PathProblem::ComponentTooLong => "has a name part longer than 255 bytes",
            PathProblem::EmptyComponent => "has an empty name part (`//` or a trailing `/`)",
            PathProblem::DotComponent => "escapes the pack folder with `.` or `..`",
            PathProblem::Backslash => "contains a backslash",
            PathProblem::Colon => "contains `:` (a drive letter or alternate stream)",
            PathProblem::ControlOrBidi => {
                "contains control or bidirectional-override characters that disguise its name"
            }
            PathProblem::WindowsForbiddenChar => "contains a character Windows forbids (<>\"|?*)",
            PathProblem::Hidden => "has a hidden name part (starting with `.`)",
            PathProblem::WindowsReserved => "uses a reserved Windows device name",
            PathProblem::TrailingDotOrSpace => "has a name part ending in a dot or space",
            PathProblem::NotNfc => "is not in Unicode NFC form",
        }
    }
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// True for characters that can hide or disguise a name on screen: C0/C1
/// controls, bidirectional marks and overrides, line and paragraph
/// separators and the byte-order mark. Zero-width (non-)joiners are allowed
/// because Persian words need them.
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
        )
}

/// Checks `path` against every rule. `Ok` means it is safe to join to a
/// destination folder on any supported OS.
pub fn check_path(path: &str) -> Result<(), PathProblem> {
    if path.is_empty() {
        return Err(PathProblem::Empty);
    }
    if path.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(PathProblem::TooLong);
    }
    path.chars().try_for_each(check_char)?;
    if !unicode_normalization::is_nfc(path) {
        return Err(PathProblem::NotNfc);
    }
    path.split('/').try_for_each(check_component)
}

fn check_char(c: char) -> Result<(), PathProblem> {
    match c {
        '\\' => Err(PathProblem::Backslash),
        ':' => Err(PathProblem::Colon),
        '<' | '>' | '"' | '|' | '?' | '*' => Err(PathProblem::WindowsForbiddenChar),
        c if is_control_or_bidi(c) => Err(PathProblem::ControlOrBidi),
        _ => Ok(()),
    }
}

fn check_component(part: &str) -> Result<(), PathProblem> {
    if part.is_empty() {
        return Err(PathProblem::EmptyComponent);
    }
    if part == "." || part == ".." {
        return Err(PathProblem::DotComponent);
    }
    if part.starts_with('.') {
        return Err(PathProblem::Hidden);
    }
    if part.len() > MAX_COMPONENT_BYTES {
        return Err(PathProblem::ComponentTooLong);
    }
    if part.ends_with('.') || part.ends_with(' ') {
        return Err(PathProblem::TrailingDotOrSpace);
    }
    if is_windows_reserved(part) {
        return Err(PathProblem::WindowsReserved);
    }
    Ok(())
}

/// Windows treats `NUL`, `nul.txt` and `nul .txt` alike as the device.
fn is_windows_reserved(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ');
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let numbered = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"));
    // Windows also reserves the superscript digits ¹ ² ³.
    matches!(
        numbered,
        Some("0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³")
    )
}

/// The key under which two paths count as "the same file" on a
/// case-insensitive file system. Upper-then-lower folds `ß`/`SS` and the
/// Kelvin/long-s look-alikes too, erring towards reporting a collision.
pub fn fold_key(path: &str) -> String {
    path.to_uppercase().to_lowercase()
}

/// How many distinct folders the files at `paths` need (not counting the
/// destination itself). Linear in the total path length after a sort: a
/// hostile pack of thousands of paths hundreds of folders deep would
/// otherwise create millions of folders (an inode bomb).
pub fn count_folders<'a>(paths: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut parents: Vec<&str> = paths
        .into_iter()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    // Component-wise order keeps every folder's subfolders together.
    parents.sort_unstable_by(|a, b| a.split('/').cmp(b.split('/')));
    parents.dedup();
    let mut previous = "";
    let mut total: u64 = 0;
    for parent in parents {
        let depth = parent.split('/').count();
        let shared = previous
            .split('/')
            .zip(parent.split('/'))
            .take_while(|(x, y)| x == y && !previous.is_empty())
            .count();
        total += (depth - shared) as u64;
        previous = parent;
    }
    total
}

/// Collects file paths and finds collisions: two paths equal when case is
/// ignored, or one file path used as a folder by another. Time and memory
/// stay linear in the total length of the paths, because a hostile zip can
/// hold 20,000 paths that are each 500 folders deep.
#[derive(Debug, Default)]
pub struct PathSet {
    /// Folded key → the path as given.
    files: HashMap<String, String>,
}

impl PathSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a (checked) file path. When a path with the same folded key is
    /// already in the set, returns that path; it equals `path` itself when
    /// the same path was added twice.
    pub fn insert_file(&mut self, path: &str) -> Result<(), String> {
        match self.files.entry(fold_key(path)) {
            Entry::Occupied(e) => Err(e.get().clone()),
            Entry::Vacant(e) => {
                e.insert(path.to_owned());
                Ok(())
            }
        }
    }

    /// Once every file is in: a file path that another path uses as a
    /// folder (`a` and `a/b`), as `(file, other)`.
    pub fn folder_conflict(&self) -> Option<(String, String)> {
        let mut keys: Vec<&str> = self.files.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys.iter().find_map(|k| {
            let probe = format!("{k}/");
            let at = keys.partition_point(|x| *x < probe.as_str());
            let user = keys.get(at).filter(|x| x.starts_with(&probe))?;
            Some((self.files[*k].clone(), self.files[*user].clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        for p in [
            "lessons/counting.en.html",
            "media/صورة.png",
            "a",
            "می‌خواهم.md",
            "CONSOLE.txt",
            "com10.txt",
            "a b/c d.txt",
        ] {
            assert_eq!(check_path(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn refuses_each_hazard() {
        let cases = [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("../x", PathProblem::DotComponent),
            ("a/./b", PathProblem::DotComponent),
            ("a//b", PathProblem::EmptyComponent),
            ("a/", PathProblem::EmptyComponent),
            ("C:/x", PathProblem::Colon),
            ("a\\b", PathProblem::Backslash),
            ("a\u{0}b", PathProblem::ControlOrBidi),
            ("a\nb", PathProblem::ControlOrBidi),
            ("exe\u{202E}txt.html", PathProblem::ControlOrBidi),
            ("a\u{2067}b", PathProblem::ControlOrBidi),
            ("a?b", PathProblem::WindowsForbiddenChar),
            (".git/config", PathProblem::Hidden),
            ("a/.hidden", PathProblem::Hidden),
            ("CON", PathProblem::WindowsReserved),
            ("dir/nul.txt", PathProblem::WindowsReserved),
            ("Com1", PathProblem::WindowsReserved),
            ("lpt9.tar.gz", PathProblem::WindowsReserved),
            ("aux .txt", PathProblem::WindowsReserved),
            ("COM¹", PathProblem::WindowsReserved),
            ("a.", PathProblem::TrailingDotOrSpace),
            ("a ", PathProblem::TrailingDotOrSpace),
            ("e\u{301}.html", PathProblem::NotNfc),
        ];
        for (p, want) in cases {
            assert_eq!(check_path(p), Err(want), "{p:?}");
        }
        assert_eq!(
            check_path(&"a".repeat(256)),
            Err(PathProblem::ComponentTooLong)
        );
        let long = vec!["a".repeat(200); 6].join("/");
        assert_eq!(check_path(&long), Err(PathProblem::TooLong));
    }

    #[test]
    fn counts_distinct_folders() {
        assert_eq!(count_folders(["a.html", "b.html"]), 0);
        assert_eq!(
            count_folders(["x/a", "x/b", "x/y/c", "x-z/d", "x/y/z/e"]),
            4
        );
        assert_eq!(count_folders(["a/b/c/d"]), 3);
        assert_eq!(count_folders(["b/x", "a/x", "b/y/z"]), 3);
    }

    #[test]
    fn path_set_finds_collisions() {
        let mut set = PathSet::new();
        set.insert_file("Lessons/A.html").unwrap();
        let err = set.insert_file("lessons/a.html");
        assert_eq!(err, Err("Lessons/A.html".into()));
        assert_eq!(set.insert_file("straße"), Ok(()));
        assert_eq!(set.insert_file("STRASSE"), Err("straße".into()));
        set.insert_file("a-b").unwrap();
        set.insert_file("a.html").unwrap();
        assert_eq!(set.folder_conflict(), None);
        set.insert_file("Lessons").unwrap();
        let conflict = Some(("Lessons".into(), "Lessons/A.html".into()));
        assert_eq!(set.folder_conflict(), conflict);

        let mut set = PathSet::new();
        for p in ["media/X.png/y", "media/a", "media/x.png"] {
            set.insert_file(p).unwrap();
        }
        let conflict = Some(("media/x.png".into(), "media/X.png/y".into()));
        assert_eq!(set.folder_conflict(), conflict);
    }
}
