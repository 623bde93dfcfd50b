//! A real campus server on 127.0.0.1 for the device's sync tests (the
//! server crate does not depend on qalam-core, so there is no cycle).
#![allow(dead_code)]

use std::sync::Arc;

use qalam_server::{Store, now_ms};

pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = rt
            .block_on(qalam_server::open_store(dir.path(), None))
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(qalam_server::http::serve(listener, Arc::clone(&store)));
        TestServer {
            base: format!("http://{addr}"),
            store,
            rt,
            _dir: dir,
        }
    }

    pub fn code(&self) -> String {
        let org = self
            .rt
            .block_on(self.store.create_org("Relief Org", now_ms()))
            .unwrap()
            .id;
        let centre = self
            .rt
            .block_on(self.store.create_centre(org, "North", now_ms()))
            .unwrap()
            .id;
        self.rt
            .block_on(self.store.create_enrol_code(centre, now_ms(), 3_600_000))
            .unwrap()
            .code
    }
}
