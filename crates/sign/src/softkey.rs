//! Software keys: ECDSA with `ring`, kept on disk only as an encrypted PKCS#8 document
//! (PBES2: scrypt + AES-256-CBC, PEM label `ENCRYPTED PRIVATE KEY`, readable by
//! `openssl pkey`). The clear PKCS#8 bytes live only in zeroizing buffers.

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::signer::{Curve, Signer, ec_spki};
use pkcs8::der::pem::LineEnding;
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo, pkcs5};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
};
use spki::SubjectPublicKeyInfoOwned;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// scrypt cost for key files: N = 2^14, r = 8, p = 1 (16 MiB). OpenSSL 3 refuses scrypt
/// parameters above its 32 MiB default memory cap (the pkcs8 default, 2^15, hits it), and operators
/// must be able to inspect a key with `openssl pkey`; the key is decrypted once per process, so
/// the cost does not matter for signing throughput. Older files keep their own parameters.
const SCRYPT_LOG_N: u8 = 14;

/// An ECDSA key in memory, loaded from (or generated into) an encrypted PKCS#8 file.
pub struct SoftwareSigner {
    key: EcdsaKeyPair,
    curve: Curve,
    spki: SubjectPublicKeyInfoOwned,
    rng: SystemRandom,
    origin: String,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("curve", &self.curve)
            .field("origin", &self.origin)
            .field("key", &"<redacted>")
            .finish()
    }
}

fn ring_alg(curve: Curve) -> &'static ring::signature::EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &ECDSA_P256_SHA256_ASN1_SIGNING,
        Curve::P384 => &ECDSA_P384_SHA384_ASN1_SIGNING,
    }
}

impl SoftwareSigner {
    fn from_pkcs8(curve: Curve, pkcs8: &[u8], origin: String) -> Result<Self> {
        let rng = SystemRandom::new();
        let key =
            EcdsaKeyPair::from_pkcs8(ring_alg(curve), pkcs8, &rng).map_err(|e| Error::KeyFile {
                path: PathBuf::from(&origin),
                reason: format!("not a {} ECDSA PKCS#8 key: {e}", curve.name()),
            })?;
        let spki = ec_spki(curve, key.public_key().as_ref())?;
        Ok(SoftwareSigner {
            key,
            curve,
            spki,
            rng,
            origin,
        })
    }

    /// Generates a fresh key and writes it, encrypted under `secret`, to `path` (created new,
    /// mode 0600; an existing file is never overwritten).
    pub fn generate_to_file(curve: Curve, path: &Path, secret: &Secret) -> Result<Self> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(ring_alg(curve), &rng).map_err(|e| Error::Sign {
            key: path.display().to_string(),
            reason: format!("key generation failed: {e}"),
        })?;
        let clear = Zeroizing::new(doc.as_ref().to_vec());
        let pem = encrypt_pkcs8(&clear, secret, path)?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_0600()
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        f.write_all(pem.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io(path, e))?;
        Self::from_pkcs8(curve, &clear, path.display().to_string())
    }

    /// Loads and decrypts a key file written by [`SoftwareSigner::generate_to_file`].
    pub fn open_file(curve: Curve, path: &Path, secret: &Secret) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let (label, der) =
            pkcs8::der::pem::decode_vec(text.as_bytes()).map_err(|e| Error::KeyFile {
                path: path.to_path_buf(),
                reason: format!("not a PEM file: {e}"),
            })?;
        if label != "ENCRYPTED PRIVATE KEY" {
            return Err(Error::KeyFile {
                path: path.to_path_buf(),
                reason: format!(
                    "PEM label is {label:?}, expected \"ENCRYPTED PRIVATE KEY\" (clear keys are refused)"
                ),
            });
        }
        let enc =
            EncryptedPrivateKeyInfo::try_from(der.as_slice()).map_err(|e| Error::KeyFile {
                path: path.to_path_buf(),
                reason: format!("not an EncryptedPrivateKeyInfo: {e}"),
            })?;
        let clear = enc
            .decrypt(secret.expose().as_bytes())
            .map_err(|_| Error::KeyDecrypt {
                path: path.to_path_buf(),
            })?;
        // A wrong passphrase occasionally survives the CBC padding check; ring then rejects it.
        Self::from_pkcs8(curve, clear.as_bytes(), path.display().to_string()).map_err(|_| {
            Error::KeyDecrypt {
                path: path.to_path_buf(),
            }
        })
    }
}

trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}
impl Mode0600 for std::fs::OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}

fn encrypt_pkcs8(clear: &[u8], secret: &Secret, path: &Path) -> Result<Zeroizing<String>> {
    let bad = |reason: String| Error::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    if secret.expose().is_empty() {
        return Err(Error::Secret("empty passphrase".into()));
    }
    let rng = SystemRandom::new();
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    rng.fill(&mut salt)
        .and_then(|_| rng.fill(&mut iv))
        .map_err(|_| bad("no randomness".into()))?;
    let params = pkcs5::pbes2::Parameters::scrypt_aes256cbc(
        pkcs5::scrypt::Params::new(SCRYPT_LOG_N, 8, 1, 32).map_err(|e| bad(e.to_string()))?,
        &salt,
        &iv,
    )
    .map_err(|e| bad(e.to_string()))?;
    let info = PrivateKeyInfo::try_from(clear).map_err(|e| bad(format!("ring PKCS#8: {e}")))?;
    let doc = info
        .encrypt_with_params(params, secret.expose().as_bytes())
        .map_err(|e| bad(format!("encrypting: {e}")))?;
    doc.to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map_err(|e| bad(format!("PEM: {e}")))
}

impl Signer for SoftwareSigner {
    fn curve(&self) -> Curve {
        self.curve
    }
    fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        &self.spki
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.key
            .sign(&self.rng, message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|e| Error::Sign {
                key: self.origin.clone(),
                reason: e.to_string(),
            })
    }
    fn describe(&self) -> String {
        format!("software {} key {}", self.curve.name(), self.origin)
    }
}
