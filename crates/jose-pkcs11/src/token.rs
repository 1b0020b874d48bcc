//! [`Token`]: a logged-in PKCS#11 token with a pool of sessions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use jose_core::{BackendError, Curve, Error, Unsupported};
use jose_jwk::{EcKey, Jwk, Key, Provider};
use zeroize::Zeroizing;

use crate::key::TokenKey;
use crate::uri::{ObjectType, Pkcs11Uri};

/// Where the user PIN comes from. It is never logged or printed.
#[derive(Clone)]
#[non_exhaustive]
pub enum Pin {
    /// The PIN itself.
    Value(Zeroizing<String>),
    /// An environment variable holding the PIN.
    Env(String),
    /// A file holding the PIN (one trailing newline is not part of it).
    File(PathBuf),
    /// No login: only public objects are usable.
    None,
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Value(_) => f.write_str("Pin::Value(***)"),
            Self::Env(name) => write!(f, "Pin::Env({name:?})"),
            Self::File(path) => write!(f, "Pin::File({path:?})"),
            Self::None => f.write_str("Pin::None"),
        }
    }
}

impl Pin {
    fn resolve(&self) -> Result<Option<AuthPin>, Error> {
        let text = match self {
            Self::Value(v) => Zeroizing::new(v.to_string()),
            Self::Env(name) => Zeroizing::new(
                std::env::var(name)
                    .map_err(|_| Error::ApiMisuse("the PIN environment variable is not set"))?,
            ),
            Self::File(path) => {
                let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                    Error::Backend(BackendError::new("pkcs11 PIN file", Box::new(e)))
                })?);
                let trimmed = text.strip_suffix('\n').unwrap_or(&text);
                Zeroizing::new(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned())
            }
            Self::None => return Ok(None),
        };
        Ok(Some(AuthPin::from(text.as_str())))
    }
}

/// Which token to open: by label or by serial number.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSelector {
    /// The token's label (CKA_LABEL of the token info).
    Label(String),
    /// The token's serial number.
    Serial(String),
}

/// How an operation's failure left its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionFault {
    /// The session is gone: closed, its handle invalid, the device removed.
    Lost,
    /// The session works but the token is no longer logged in.
    LoggedOut,
}

/// Errors that can tell whether they came from a broken session.
pub(crate) trait Fault {
    /// The session fault behind this error, if it is one.
    fn session_fault(&self) -> Option<SessionFault>;

    /// Whether the token no longer knows the key's object handle.
    fn handle_invalid(&self) -> bool;
}

impl Fault for CkError {
    fn session_fault(&self) -> Option<SessionFault> {
        match self {
            CkError::Pkcs11(
                RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::DeviceRemoved
                | RvError::TokenNotPresent,
                _,
            ) => Some(SessionFault::Lost),
            CkError::Pkcs11(RvError::UserNotLoggedIn, _) => Some(SessionFault::LoggedOut),
            _ => None,
        }
    }

    fn handle_invalid(&self) -> bool {
        matches!(
            self,
            CkError::Pkcs11(RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid, _)
        )
    }
}

/// A failure of the module or the token, mapped to the shared error type
/// with a message that says what to fix. Never a cryptographic failure.
pub(crate) fn ck(context: &'static str, e: CkError) -> Error {
    ck_with(context, None, e)
}

/// As [`ck`], naming the mechanism when the token lacks it.
pub(crate) fn ck_with(
    context: &'static str,
    mechanism: Option<cryptoki::mechanism::MechanismType>,
    e: CkError,
) -> Error {
    let message = match &e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => "the PIN is incorrect".to_owned(),
        CkError::Pkcs11(RvError::PinLocked, _) => "the PIN is locked".to_owned(),
        CkError::Pkcs11(RvError::TokenNotPresent, _) => "the token is not present".to_owned(),
        CkError::Pkcs11(RvError::MechanismInvalid | RvError::MechanismParamInvalid, _) => {
            let name = mechanism.map_or_else(|| "this mechanism".to_owned(), |m| m.to_string());
            return Error::Unsupported(Unsupported::Operation(format!(
                "{context}: the token does not offer {name}"
            )));
        }
        CkError::LibraryLoading(_) => format!("cannot load the PKCS#11 module: {e}"),
        other => other.to_string(),
    };
    Error::Backend(BackendError::new(context, message))
}

/// One initialized context per module path and process: PKCS#11 allows one
/// `C_Initialize` per process, and tests and servers open tokens more than
/// once.
fn context(module: &Path) -> Result<Pkcs11, Error> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let map = CONTEXTS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map
        .lock()
        .map_err(|_| Error::Backend(BackendError::new("pkcs11", "context lock poisoned")))?;
    if let Some(ctx) = map.get(module) {
        return Ok(ctx.clone());
    }
    if !module.exists() {
        return Err(Error::Backend(BackendError::new(
            "pkcs11 module",
            format!("no PKCS#11 module at {}", module.display()),
        )));
    }
    let ctx = Pkcs11::new(module).map_err(|e| ck("pkcs11 module", e))?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(ck("pkcs11 initialize", e)),
    }
    map.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

pub(crate) struct Inner {
    pub(crate) ctx: Pkcs11,
    pub(crate) slot: Slot,
    pub(crate) label: String,
    /// Idle sessions, reused; `anchor` keeps the login alive (closing the
    /// last session logs out).
    pool: Mutex<Vec<Session>>,
    anchor: Mutex<Session>,
    /// The PIN, kept to log in again when the token loses the login (a
    /// `Pin::Value` is zeroized when the token is dropped).
    pin: Pin,
    /// Bumped each time every session was lost (a reset of the module, the
    /// device removed): object handles cached before it may name other
    /// objects now, so keys look theirs up again.
    generation: AtomicU64,
    /// Set when an automatic login was refused for the PIN: no more
    /// attempts, so that a stale PIN cannot lock the token.
    login_refused: AtomicBool,
    /// Whether RSA-OAEP with SHA-2 may fall back to raw RSA on the token
    /// with OAEP decoding in software.
    pub(crate) raw_rsa_oaep: bool,
    /// Whether RSA keys that cannot sign may decrypt RSA1_5.
    pub(crate) rsa1_5: bool,
    /// The software provider for what the token does not do.
    pub(crate) software: Provider,
}

/// Refuses a software provider whose key check lets a point off its curve
/// through: ECDH-ES on the token relies on it to refuse a hostile `epk`
/// (an invalid-curve attack would otherwise reach `C_DeriveKey`).
fn check_software(software: &Provider) -> Result<(), Error> {
    for crv in [Curve::P256, Curve::P384, Curve::P521] {
        let len = crv.coordinate_len();
        let mut one = vec![0u8; len];
        if let Some(last) = one.last_mut() {
            *last = 1;
        }
        // (1, 1) lies on none of the NIST curves.
        let off_curve = Jwk::new(Key::Ec(EcKey::new(crv, one.clone(), one, None)?));
        if software.check(&off_curve).is_ok() {
            return Err(Error::ApiMisuse(
                "the software provider of TokenOptions must refuse EC points off their curve",
            ));
        }
    }
    Ok(())
}

/// The most idle sessions kept open.
const MAX_IDLE_SESSIONS: usize = 16;

/// A PKCS#11 token, opened and logged in, safe to share between threads:
/// each operation takes a session from a pool (a PKCS#11 session runs one
/// operation at a time), and object handles are cached by the keys.
#[derive(Clone)]
pub struct Token {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.inner.label)
            .field("slot", &self.inner.slot)
            .finish_non_exhaustive()
    }
}

/// Options of [`Token::open`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenOptions {
    /// The software provider for the steps the token does not do:
    /// verification and encryption with public keys, hashing before
    /// `CKM_ECDSA`, the Concat KDF and AES key wrap after ECDH-ES, RSA1_5's
    /// random CEK, OAEP decoding after raw RSA, and checks of public keys
    /// (an ECDH-ES `epk` on its curve). Any backend's provider does, such as
    /// `jose_rustcrypto::PROVIDER`; [`Token::open`] refuses one whose check
    /// accepts a point off its curve.
    pub software: Provider,
    /// Allow RSA-OAEP with SHA-256/384/512 on tokens that lack it (SoftHSM2
    /// up to 2.7 supports OAEP only with SHA-1): decrypt with raw RSA
    /// (`CKM_RSA_X_509`) on the token and decode OAEP in software, in
    /// constant time. The private key stays on the token, but the padded
    /// message (which holds the CEK) leaves it. Off by default.
    pub raw_rsa_oaep: bool,
    /// Offer RSA1_5 (`CKM_RSA_PKCS`) for the token's RSA keys that may
    /// decrypt and may not sign (CKA_SIGN false). Off by default: RSA1_5 is
    /// deprecated for its padding oracle, and a key that signs is never
    /// also used for it, opted in or not (a decryption oracle on a signing
    /// key forges signatures).
    pub rsa1_5: bool,
}

impl TokenOptions {
    /// The default options, with `software` for what the token does not do.
    pub fn new(software: Provider) -> Self {
        Self {
            software,
            raw_rsa_oaep: false,
            rsa1_5: false,
        }
    }

    /// Allows (or not) the raw-RSA fallback for RSA-OAEP with SHA-2 (see
    /// [`TokenOptions::raw_rsa_oaep`]).
    #[must_use]
    pub fn raw_rsa_oaep(mut self, allow: bool) -> Self {
        self.raw_rsa_oaep = allow;
        self
    }

    /// Offers (or not) RSA1_5 for decrypt-only RSA keys (see
    /// [`TokenOptions::rsa1_5`]).
    #[must_use]
    pub fn rsa1_5(mut self, allow: bool) -> Self {
        self.rsa1_5 = allow;
        self
    }
}

impl Token {
    /// Opens the token selected by `selector` in the module at `module`,
    /// and logs in with `pin`.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] naming the problem: the module cannot be loaded,
    /// no such token, the PIN is wrong.
    pub fn open(
        module: &Path,
        selector: &TokenSelector,
        pin: &Pin,
        options: &TokenOptions,
    ) -> Result<Self, Error> {
        check_software(&options.software)?;
        let ctx = context(module)?;
        let slots = ctx
            .get_slots_with_token()
            .map_err(|e| ck("pkcs11 slots", e))?;
        let mut found = None;
        for slot in slots {
            let info = ctx
                .get_token_info(slot)
                .map_err(|e| ck("pkcs11 token info", e))?;
            let matches = match selector {
                TokenSelector::Label(l) => info.label().trim_end() == l,
                TokenSelector::Serial(s) => info.serial_number().trim_end() == s,
            };
            if matches {
                found = Some((slot, info.label().trim_end().to_owned()));
                break;
            }
        }
        let (slot, label) = found.ok_or_else(|| {
            Error::Backend(BackendError::new(
                "pkcs11 token",
                format!("no token matches {selector:?}"),
            ))
        })?;
        let anchor = ctx
            .open_ro_session(slot)
            .map_err(|e| ck("pkcs11 session", e))?;
        if let Some(pin) = pin.resolve()? {
            match anchor.login(UserType::User, Some(&pin)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => return Err(ck("pkcs11 login", e)),
            }
        }
        Ok(Self {
            inner: Arc::new(Inner {
                ctx,
                slot,
                label,
                pool: Mutex::new(Vec::new()),
                anchor: Mutex::new(anchor),
                pin: pin.clone(),
                generation: AtomicU64::new(0),
                login_refused: AtomicBool::new(false),
                raw_rsa_oaep: options.raw_rsa_oaep,
                rsa1_5: options.rsa1_5,
                software: options.software,
            }),
        })
    }

    /// Opens the token a `pkcs11:` URI names (its `module-path`, `token` or
    /// `serial`, and `pin-value` or `pin-source`), and returns the key it
    /// names. Without a PIN in the URI, `PKCS11_PIN` is used if set.
    ///
    /// # Errors
    ///
    /// As [`Token::open`] and [`Token::key`]; [`Error::ApiMisuse`] when the
    /// URI names no module and `PKCS11_MODULE` is not set.
    pub fn open_uri(uri: &Pkcs11Uri, options: &TokenOptions) -> Result<(Self, TokenKey), Error> {
        let module = match &uri.module_path {
            Some(p) => p.clone(),
            None => PathBuf::from(std::env::var("PKCS11_MODULE").map_err(|_| {
                Error::ApiMisuse("the pkcs11 URI has no module-path and PKCS11_MODULE is not set")
            })?),
        };
        let selector = match (&uri.token, &uri.serial) {
            (_, Some(serial)) => TokenSelector::Serial(serial.clone()),
            (Some(label), None) => TokenSelector::Label(label.clone()),
            (None, None) => {
                TokenSelector::Label(std::env::var("PKCS11_TOKEN_LABEL").map_err(|_| {
                    Error::ApiMisuse(
                        "the pkcs11 URI names no token and PKCS11_TOKEN_LABEL is not set",
                    )
                })?)
            }
        };
        let pin = match (&uri.pin_value, &uri.pin_source) {
            (Some(v), _) => Pin::Value(v.clone()),
            (None, Some(path)) => Pin::File(path.clone()),
            (None, None) if std::env::var_os("PKCS11_PIN").is_some() => {
                Pin::Env("PKCS11_PIN".into())
            }
            (None, None) => Pin::None,
        };
        let token = Self::open(&module, &selector, &pin, options)?;
        let key = token.find_key(uri.object.as_deref(), uri.id.as_deref(), uri.object_type)?;
        Ok((token, key))
    }

    /// The key with this label (CKA_LABEL).
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] `NoMatchingKey` when there is none;
    /// [`Error::Unsupported`] for a key type this crate cannot use.
    pub fn key(&self, label: &str) -> Result<TokenKey, Error> {
        self.find_key(Some(label), None, None)
    }

    /// The key with this label and/or CKA_ID, of this type if given.
    pub(crate) fn find_key(
        &self,
        label: Option<&str>,
        id: Option<&[u8]>,
        object_type: Option<ObjectType>,
    ) -> Result<TokenKey, Error> {
        let classes: &[ObjectClass] = match object_type {
            Some(ObjectType::Private) => &[ObjectClass::PRIVATE_KEY],
            Some(ObjectType::Public) => &[ObjectClass::PUBLIC_KEY],
            Some(ObjectType::SecretKey) => &[ObjectClass::SECRET_KEY],
            None => &[
                ObjectClass::PRIVATE_KEY,
                ObjectClass::SECRET_KEY,
                ObjectClass::PUBLIC_KEY,
            ],
        };
        for class in classes {
            let mut template = vec![Attribute::Class(*class)];
            if let Some(label) = label {
                template.push(Attribute::Label(label.as_bytes().to_vec()));
            }
            if let Some(id) = id {
                template.push(Attribute::Id(id.to_vec()));
            }
            let handles = self
                .with_session(|s| s.find_objects(&template))?
                .map_err(|e| ck("pkcs11 find", e))?;
            if let Some(handle) = handles.first() {
                return TokenKey::load(self.clone(), *handle, *class);
            }
        }
        Err(Error::Policy(jose_core::Policy::NoMatchingKey))
    }

    /// Every private and secret key on the token, with their public keys.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the token cannot be read.
    pub fn keys(&self) -> Result<Vec<TokenKey>, Error> {
        let mut out = Vec::new();
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::SECRET_KEY] {
            let handles = self
                .with_session(|s| s.find_objects(&[Attribute::Class(class)]))?
                .map_err(|e| ck("pkcs11 find", e))?;
            for handle in handles {
                match TokenKey::load(self.clone(), handle, class) {
                    Ok(key) => out.push(key),
                    // Keys this crate cannot use, or refuses (an RSA key
                    // under 2048 bits, a key it cannot pair): skipped.
                    Err(Error::Unsupported(_) | Error::InvalidKey(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(out)
    }

    /// Imports a shared AES key (16, 24 or 32 bytes) as a session object:
    /// sensitive, not extractable, usable for AES key unwrap, gone when the
    /// process ends. For A*KW JWEs whose sender holds the same key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for a key of another length;
    /// [`Error::Backend`] when the token refuses.
    pub fn import_aes_key(&self, label: &str, key: &[u8]) -> Result<TokenKey, Error> {
        if ![16, 24, 32].contains(&key.len()) {
            return Err(Error::invalid_key("k", "is not an AES key length"));
        }
        let template = vec![
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(cryptoki::object::KeyType::AES),
            Attribute::Token(false),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Value(key.to_vec()),
            Attribute::Unwrap(true),
            Attribute::Wrap(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
        ];
        // A session object lives as long as the session that made it: make
        // it in the anchor session, which lives as long as the token.
        let handle = {
            let anchor = self.inner.anchor.lock().map_err(|_| {
                Error::Backend(BackendError::new("pkcs11", "session lock poisoned"))
            })?;
            anchor
                .create_object(&template)
                .map_err(|e| ck("pkcs11 import", e))?
        };
        TokenKey::load(self.clone(), handle, ObjectClass::SECRET_KEY)
    }

    /// The token's label.
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// Runs `f` on a session from the pool (opening one if none is idle),
    /// and returns what it returned. When `f` fails because the session is
    /// gone (closed, handle invalid, device removed) or the token logged
    /// out, the token is healed (broken sessions leave the pool, the login
    /// is restored with the PIN) and `f` runs once more, on a fresh session:
    /// a fault of the device is never mistaken for one of the message.
    ///
    /// # Errors
    ///
    /// The outer error: no session can be opened, or the login cannot be
    /// restored. The inner result is `f`'s, for the caller to map.
    pub(crate) fn with_session<T, E: Fault>(
        &self,
        f: impl Fn(&Session) -> Result<T, E>,
    ) -> Result<Result<T, E>, Error> {
        let session = self.idle_session()?;
        let result = f(&session);
        let fault = match &result {
            Ok(_) => None,
            Err(e) => e.session_fault(),
        };
        match fault {
            None => {
                self.put_back(session);
                Ok(result)
            }
            Some(fault) => {
                if fault == SessionFault::Lost {
                    // Not closed: after a reset of the module its handle
                    // number may already name a new session, which
                    // C_CloseSession would close. Only the handle leaks.
                    std::mem::forget(session);
                } else {
                    self.put_back(session);
                }
                self.heal()?;
                let session = self.open_session()?;
                let result = f(&session);
                match &result {
                    Err(e) if e.session_fault() == Some(SessionFault::Lost) => {
                        std::mem::forget(session);
                    }
                    Ok(_) | Err(_) => self.put_back(session),
                }
                Ok(result)
            }
        }
    }

    /// An idle session of the pool, or a new one.
    fn idle_session(&self) -> Result<Session, Error> {
        let idle = {
            let mut pool = self.inner.pool.lock().map_err(|_| {
                Error::Backend(BackendError::new("pkcs11", "session pool lock poisoned"))
            })?;
            pool.pop()
        };
        match idle {
            Some(s) => Ok(s),
            None => self.open_session(),
        }
    }

    fn open_session(&self) -> Result<Session, Error> {
        self.inner
            .ctx
            .open_ro_session(self.inner.slot)
            .map_err(|e| ck("pkcs11 session", e))
    }

    fn put_back(&self, session: Session) {
        if let Ok(mut pool) = self.inner.pool.lock() {
            if pool.len() < MAX_IDLE_SESSIONS {
                pool.push(session);
            }
        }
    }

    /// Restores a working state after a session fault. When the anchor session is
    /// gone too, every session was lost (a reset, the device removed): the
    /// idle sessions leave the pool, the anchor is replaced and the handle
    /// generation moves on. When only one session was lost, the others
    /// stay. Then the login is restored if the token no longer has it,
    /// unless an earlier automatic login was refused.
    pub(crate) fn heal(&self) -> Result<(), Error> {
        let mut anchor =
            self.inner.anchor.lock().map_err(|_| {
                Error::Backend(BackendError::new("pkcs11", "session lock poisoned"))
            })?;
        let logged_in = match anchor.get_session_info() {
            Ok(info) => !matches!(
                info.session_state(),
                SessionState::RoPublic | SessionState::RwPublic
            ),
            Err(_) => {
                if let Ok(mut pool) = self.inner.pool.lock() {
                    // Forgotten, not closed: their handle numbers may name
                    // new sessions now, which C_CloseSession would close.
                    pool.drain(..).for_each(std::mem::forget);
                }
                std::mem::forget(std::mem::replace(&mut *anchor, self.open_session()?));
                self.inner.generation.fetch_add(1, Ordering::AcqRel);
                false
            }
        };
        if logged_in {
            return Ok(());
        }
        let Some(pin) = self.inner.pin.resolve()? else {
            return Ok(());
        };
        if self.inner.login_refused.load(Ordering::Acquire) {
            return Err(Error::Backend(BackendError::new(
                "pkcs11 login",
                "the token lost its login and the PIN was refused before: open the token again",
            )));
        }
        match anchor.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(e) => {
                if matches!(
                    e,
                    CkError::Pkcs11(
                        RvError::PinIncorrect
                            | RvError::PinLocked
                            | RvError::PinExpired
                            | RvError::PinInvalid
                            | RvError::PinLenRange,
                        _
                    )
                ) {
                    self.inner.login_refused.store(true, Ordering::Release);
                }
                Err(ck("pkcs11 login", e))
            }
        }
    }

    /// The handle generation: see [`Inner::generation`].
    pub(crate) fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Reads attributes of an object.
    pub(crate) fn attributes(
        &self,
        handle: ObjectHandle,
        types: &[AttributeType],
    ) -> Result<Vec<Attribute>, Error> {
        self.with_session(|s| s.get_attributes(handle, types))?
            .map_err(|e| ck("pkcs11 attributes", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key provider whose check accepts anything.
    #[derive(Debug)]
    struct Permissive;

    impl jose_jwk::KeyProvider for Permissive {
        fn generate(&self, _: jose_core::KeyShape, _: &Provider) -> Result<Jwk, Error> {
            Err(Error::ApiMisuse("not in this test"))
        }

        fn check(&self, _: &Jwk) -> Result<(), Error> {
            Ok(())
        }

        fn public_from_private(&self, _: Curve, _: &[u8]) -> Result<Jwk, Error> {
            Err(Error::ApiMisuse("not in this test"))
        }
    }

    /// Which token errors heal the session: gone sessions (closed, handle
    /// invalid, device removed, token absent) and a lost login; an invalid
    /// handle is the key's to find again; nothing a message can cause
    /// (bad ciphertext, bad signature input) counts as either.
    #[test]
    fn session_faults_are_classified_by_return_value() {
        use cryptoki::context::Function;
        let err = |rv| CkError::Pkcs11(rv, Function::Decrypt);
        for rv in [
            RvError::SessionHandleInvalid,
            RvError::SessionClosed,
            RvError::DeviceRemoved,
            RvError::TokenNotPresent,
        ] {
            assert_eq!(err(rv).session_fault(), Some(SessionFault::Lost), "{rv:?}");
        }
        assert_eq!(
            err(RvError::UserNotLoggedIn).session_fault(),
            Some(SessionFault::LoggedOut)
        );
        assert!(err(RvError::ObjectHandleInvalid).handle_invalid());
        assert!(err(RvError::KeyHandleInvalid).handle_invalid());
        for rv in [
            RvError::EncryptedDataInvalid,
            RvError::EncryptedDataLenRange,
            RvError::DataInvalid,
            RvError::MechanismInvalid,
            RvError::TemplateInconsistent,
            RvError::GeneralError,
        ] {
            assert_eq!(err(rv).session_fault(), None, "{rv:?}");
            assert!(!err(rv).handle_invalid(), "{rv:?}");
        }
    }

    /// An invalid-curve attack on ECDH-ES reaches the token when the
    /// software provider does not check points: such a provider is refused
    /// before any module is loaded.
    #[test]
    fn a_software_provider_that_checks_no_points_is_refused() {
        let permissive = Provider {
            keys: &Permissive,
            ..jose_rustcrypto::PROVIDER
        };
        let open = |software| {
            Token::open(
                Path::new("/nonexistent/libpkcs11.so"),
                &TokenSelector::Label("x".into()),
                &Pin::None,
                &TokenOptions::new(software),
            )
        };
        assert_eq!(
            open(permissive).unwrap_err(),
            Error::ApiMisuse(
                "the software provider of TokenOptions must refuse EC points off their curve"
            )
        );
        // The RustCrypto provider checks points: the module is what fails.
        assert!(matches!(
            open(jose_rustcrypto::PROVIDER),
            Err(Error::Backend(_))
        ));
    }
}
