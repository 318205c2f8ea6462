use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory of a test's own under the system's temporary directory, removed with all it
/// holds when dropped, whether the test passed or panicked.
///
/// The name says what the directory is for; the process id and a counter make it unique, so
/// tests running at once, in one test binary or in several, never share one. It derefs to its
/// [`Path`].
///
/// ```
/// use eventflow_testkit::ScratchDir;
///
/// let dir = ScratchDir::new("notes");
/// std::fs::write(dir.join("note.txt"), "hello").expect("written");
/// assert_eq!(std::fs::read_to_string(dir.join("note.txt")).ok().as_deref(), Some("hello"));
/// let path = dir.to_path_buf();
/// drop(dir);
/// assert!(!path.exists());
/// ```
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a new, empty directory, named `eventflow-{name}-{process}-{n}`.
    ///
    /// # Panics
    ///
    /// If the directory cannot be created.
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "eventflow-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // A killed process with the same id may have left one behind: it is no test's now.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
