//! PKCS#11 keys (cryptoki), e.g. SoftHSM2 or a real HSM. The token is selected by label (SoftHSM
//! gives slots random ids), keys by `CKA_LABEL` + `CKA_ID`. SoftHSM 2.6 has no
//! `CKM_ECDSA_SHA256`, so we hash on the host and sign the digest with `CKM_ECDSA`, then
//! DER-encode the raw `r||s`.

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::signer::{Curve, Signer, ec_spki, ecdsa_raw_to_der};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use der::Decode;
use der::asn1::OctetString;
use serde::{Deserialize, Serialize};
use spki::SubjectPublicKeyInfoOwned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Which token: the module (shared library) and the token label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRef {
    pub module: PathBuf,
    pub token_label: String,
}

fn p11err(op: &'static str) -> impl FnOnce(cryptoki::error::Error) -> Error {
    move |e| Error::Pkcs11 {
        op,
        reason: e.to_string(),
    }
}

/// A module may be initialized once per process; every signer of the process shares it.
fn module(path: &Path) -> Result<Pkcs11> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let map = MODULES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(m) = map.get(path) {
        return Ok(m.clone());
    }
    let ctx = Pkcs11::new(path).map_err(|e| Error::Pkcs11 {
        op: "load module",
        reason: format!("{}: {e}", path.display()),
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(cryptoki::error::Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(p11err("C_Initialize")(e)),
    }
    map.insert(path.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// Opens a logged-in read-write session on the token with `token.token_label`.
fn open_session(token: &TokenRef, pin: &Secret) -> Result<Session> {
    let ctx = module(&token.module)?;
    let slots = ctx
        .get_slots_with_token()
        .map_err(p11err("C_GetSlotList"))?;
    let mut found = None;
    for s in slots {
        let info = ctx.get_token_info(s).map_err(p11err("C_GetTokenInfo"))?;
        if info.label().trim_end() == token.token_label {
            found = Some(s);
            break;
        }
    }
    let slot = found.ok_or_else(|| Error::Pkcs11 {
        op: "find token",
        reason: format!(
            "no token labelled {:?} in {}",
            token.token_label,
            token.module.display()
        ),
    })?;
    let session = ctx.open_rw_session(slot).map_err(p11err("C_OpenSession"))?;
    let pin = AuthPin::from(pin.expose().to_string());
    match session.login(UserType::User, Some(&pin)) {
        Ok(()) | Err(cryptoki::error::Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(cryptoki::error::Error::Pkcs11(RvError::PinIncorrect, _)) => {
            return Err(Error::Pkcs11 {
                op: "C_Login",
                reason: format!("wrong PIN for token {:?}", token.token_label),
            });
        }
        Err(e) => return Err(p11err("C_Login")(e)),
    }
    Ok(session)
}

/// An ECDSA private key on a PKCS#11 token.
pub struct Pkcs11Signer {
    /// A small pool so concurrent workers sign in parallel (PKCS#11 sessions are single-threaded;
    /// token objects and the login are shared by all sessions of the process).
    sessions: Vec<Mutex<Session>>,
    next: std::sync::atomic::AtomicUsize,
    key: ObjectHandle,
    curve: Curve,
    spki: SubjectPublicKeyInfoOwned,
    origin: String,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("curve", &self.curve)
            .field("origin", &self.origin)
            .finish()
    }
}

fn origin(token: &TokenRef, label: &str, id: &[u8]) -> String {
    format!(
        "PKCS#11 token {:?} key {:?} id {}",
        token.token_label,
        label,
        hex::encode(id)
    )
}

/// Reads `CKA_EC_POINT` (DER OCTET STRING around the point) from a public key object.
fn read_point(session: &Session, public: ObjectHandle) -> Result<Vec<u8>> {
    let attrs = session
        .get_attributes(public, &[AttributeType::EcPoint])
        .map_err(p11err("C_GetAttributeValue"))?;
    for a in attrs {
        if let Attribute::EcPoint(p) = a {
            return match OctetString::from_der(&p) {
                Ok(os) => Ok(os.as_bytes().to_vec()),
                // Some modules return the bare point.
                Err(_) => Ok(p),
            };
        }
    }
    Err(Error::Pkcs11 {
        op: "C_GetAttributeValue",
        reason: "public key has no CKA_EC_POINT".into(),
    })
}

impl Pkcs11Signer {
    /// Generates a key pair on the token (private key sensitive, not extractable).
    pub fn generate(
        token: &TokenRef,
        pin: &Secret,
        curve: Curve,
        label: &str,
        id: &[u8],
    ) -> Result<Self> {
        let session = open_session(token, pin)?;
        let public_tpl = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(curve.oid_der()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ];
        let private_tpl = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ];
        let (public, private) = session
            .generate_key_pair(&Mechanism::EccKeyPairGen, &public_tpl, &private_tpl)
            .map_err(p11err("C_GenerateKeyPair"))?;
        let point = read_point(&session, public)?;
        Ok(Pkcs11Signer {
            spki: ec_spki(curve, &point)?,
            sessions: vec![Mutex::new(session)],
            next: Default::default(),
            key: private,
            curve,
            origin: origin(token, label, id),
        })
    }

    /// Opens an existing key pair by label and id.
    pub fn open(
        token: &TokenRef,
        pin: &Secret,
        curve: Curve,
        label: &str,
        id: &[u8],
    ) -> Result<Self> {
        let session = open_session(token, pin)?;
        let find = |class: ObjectClass| -> Result<ObjectHandle> {
            let found = session
                .find_objects(&[
                    Attribute::Class(class),
                    Attribute::KeyType(KeyType::EC),
                    Attribute::Label(label.as_bytes().to_vec()),
                    Attribute::Id(id.to_vec()),
                ])
                .map_err(p11err("C_FindObjects"))?;
            match found.as_slice() {
                [one] => Ok(*one),
                [] => Err(Error::Pkcs11 {
                    op: "find key",
                    reason: format!("{} not found", origin(token, label, id)),
                }),
                _ => Err(Error::Pkcs11 {
                    op: "find key",
                    reason: format!(
                        "{} is ambiguous ({} objects)",
                        origin(token, label, id),
                        found.len()
                    ),
                }),
            }
        };
        let private = find(ObjectClass::PRIVATE_KEY)?;
        let public = find(ObjectClass::PUBLIC_KEY)?;
        let point = read_point(&session, public)?;
        Ok(Pkcs11Signer {
            spki: ec_spki(curve, &point)?,
            sessions: vec![Mutex::new(session)],
            next: Default::default(),
            key: private,
            curve,
            origin: origin(token, label, id),
        })
    }
}

impl Pkcs11Signer {
    /// Opens `extra` more sessions on the same token so up to `extra + 1` threads sign at once.
    pub fn with_sessions(mut self, token: &TokenRef, pin: &Secret, extra: usize) -> Result<Self> {
        for _ in 0..extra {
            self.sessions.push(Mutex::new(open_session(token, pin)?));
        }
        Ok(self)
    }

    /// A free session if there is one, else the next one in turn.
    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        for s in &self.sessions {
            if let Ok(g) = s.try_lock() {
                return g;
            }
        }
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.sessions.len();
        self.sessions[i].lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Signer for Pkcs11Signer {
    fn curve(&self) -> Curve {
        self.curve
    }
    fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        &self.spki
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let digest = self.curve.digest(message);
        let raw = {
            let session = self.session();
            session
                .sign(&Mechanism::Ecdsa, self.key, &digest)
                .map_err(|e| Error::Sign {
                    key: self.origin.clone(),
                    reason: e.to_string(),
                })?
        };
        ecdsa_raw_to_der(&raw)
    }
    fn describe(&self) -> String {
        self.origin.clone()
    }
}
