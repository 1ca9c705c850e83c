//! `serve` with --tls-cert/--tls-key answers over HTTPS (rustls), which phones
//! need for service workers anywhere but localhost.

use std::{sync::Arc, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};
use tokio_rustls::{
    TlsConnector,
    rustls::{ClientConfig, RootCertStore, pki_types::ServerName},
};

#[tokio::test]
async fn serves_https_with_the_given_certificate() {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<title>邻里</title>").unwrap();

    let state = linli_server::serve::state(&dir.path().join("data"), dist).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(linli_server::serve::run(
        listener,
        linli_server::app(state),
        Some(linli_server::serve::Tls {
            cert: cert_path,
            key: key_path,
        }),
        async move {
            let _ = stopped.await;
        },
    ));

    let mut roots = RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let mut response = Vec::new();
    for attempt in 0.. {
        let tcp = TcpStream::connect(addr).await.unwrap();
        match connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
        {
            Ok(mut tls) => {
                tls.write_all(
                    b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                )
                .await
                .unwrap();
                let _ = tls.read_to_end(&mut response).await;
                break;
            }
            // The TLS config loads asynchronously after the listener exists.
            Err(_) if attempt < 50 => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(e) => panic!("TLS handshake failed: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"status\":\"ok\""), "{text}");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("stops after the signal")
        .unwrap()
        .unwrap();
}
