//! Serving the API over TLS (rustls), for campus servers reachable beyond
//! loopback. The certificate may come from a public CA or from the
//! campus's own CA, which devices then pin (`qalam enrol --ca FILE`).

use std::path::{Path, PathBuf};

use axum::Router;
use axum_server::tls_rustls::RustlsConfig;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "could not load the TLS certificate {cert} and key {key}: {source}; \
         give PEM files (the certificate chain, then its private key)"
    )]
    Load {
        cert: PathBuf,
        key: PathBuf,
        source: std::io::Error,
    },
    #[error("the TLS server stopped: {0}")]
    Serve(std::io::Error),
}

/// Loads a PEM certificate chain and private key, checking them now so a
/// wrong file is reported at start rather than at the first connection.
pub async fn load(cert: &Path, key: &Path) -> Result<RustlsConfig, TlsError> {
    RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|source| TlsError::Load {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            source,
        })
}

/// Serves `app` over TLS on `listener` until the process ends.
pub async fn serve(
    listener: std::net::TcpListener,
    app: Router,
    config: RustlsConfig,
) -> Result<(), TlsError> {
    axum_server::from_tcp_rustls(listener, config)
        .map_err(TlsError::Serve)?
        .serve(app.into_make_service())
        .await
        .map_err(TlsError::Serve)
}
