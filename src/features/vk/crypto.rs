//! Credentials at rest: AES-256-GCM with the configured key and a random
//! 96-bit nonce per value, stored as `nonce || ciphertext+tag`.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use secrecy::{ExposeSecret, SecretBox, SecretString};

const NONCE_LEN: usize = 12;

/// A sealed value could not be opened: wrong key or tampered data.
#[derive(Debug, thiserror::Error)]
#[error("a stored VK credential cannot be decrypted (the encryption key changed or the data is damaged): reconnect the account")]
pub struct OpenError;

/// Encrypts and decrypts stored credentials. `Debug` shows no key material.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// A sealer over a 32-byte key (`vk.encryption_key`).
    pub fn new(key: &SecretBox<[u8; 32]>) -> Self {
        let key = Key::<Aes256Gcm>::from(*key.expose_secret());
        Self {
            cipher: Aes256Gcm::new(&key),
        }
    }

    /// Encrypts `plain` with a fresh random nonce.
    pub fn seal(&self, plain: &str) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Encryption with a valid key and in-memory buffers cannot fail.
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts a value made by [`Sealer::seal`].
    pub fn open(&self, sealed: &[u8]) -> Result<SecretString, OpenError> {
        if sealed.len() <= NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, data) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| OpenError)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), data)
            .map_err(|_| OpenError)?;
        let text = String::from_utf8(plain).map_err(|_| OpenError)?;
        Ok(SecretString::from(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(byte: u8) -> Sealer {
        Sealer::new(&SecretBox::new(Box::new([byte; 32])))
    }

    #[test]
    fn round_trips_with_a_fresh_nonce_and_rejects_other_keys_and_tampering() {
        let s = sealer(7);
        let a = s.seal("secret-value");
        let b = s.seal("secret-value");
        assert_ne!(a, b, "a random nonce per value");
        assert!(!a.windows(6).any(|w| w == b"secret"), "not stored in clear");
        assert_eq!(
            s.open(&a).map(|v| v.expose_secret().to_string()).ok(),
            Some("secret-value".into())
        );
        assert!(sealer(8).open(&a).is_err());
        let mut bad = a.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(s.open(&bad).is_err());
        assert!(s.open(&[1, 2, 3]).is_err());
    }
}
