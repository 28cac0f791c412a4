//! Argon2id key derivation from the user's PIN or passphrase.
//!
//! The parameters (with a random salt) are stored in clear beside the key they
//! wrap, so they are attacker-controlled on a seized or tampered device. They
//! are therefore checked before use: a floor stops a tampered store from
//! downgrading to trivially cheap parameters when the vault is re-wrapped or
//! read, and a ceiling stops absurd parameters from exhausting a phone's memory.
//!
//! The floor is chosen by code, never by the stored data: production code uses
//! [`derive_pin_key`] (always [`KdfFloor::Production`]); tests that need fast
//! derivation call [`derive_pin_key_with_floor`] with [`KdfFloor::TestsOnly`]
//! explicitly.

use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::{CryptoError, SecretKey};

/// The only algorithm name accepted in stored parameters.
pub const ARGON2ID: &str = "argon2id";
/// Argon2 version 1.3.
pub const ARGON2_VERSION_13: u32 = 0x13;
/// Length of a freshly made salt.
pub const SALT_LEN: usize = 16;

// Production floor: OWASP's minimum Argon2id configuration (19 MiB, t=2, p=1).
// Our default is well above it; the floor only rules out downgrades.
const PROD_MIN_M_KIB: u32 = 19 * 1024;
const PROD_MIN_T: u32 = 2;
// Ceilings for any floor: a phone must be able to run them in seconds.
const MAX_M_KIB: u32 = 1024 * 1024; // 1 GiB
const MAX_T: u32 = 16;
const MAX_P: u32 = 8;
const MIN_SALT_LEN: usize = 16;
const MAX_SALT_LEN: usize = 64;

/// Which minimum strength a set of parameters must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfFloor {
    /// At least 19 MiB of memory and 2 passes. Everything outside tests.
    Production,
    /// Only Argon2's own minimums: accepts [`KdfParams::make_fast_for_tests`].
    /// Never pass this in shipped code paths.
    TestsOnly,
}

/// Argon2id parameters, stored (serialized) beside the PIN-wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always `"argon2id"`.
    pub algorithm: String,
    /// Always `0x13`.
    pub version: u32,
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
    /// Random salt, unique per wrapped key.
    pub salt: Vec<u8>,
}

impl KdfParams {
    /// Strong parameters for phones with a fresh random salt: 64 MiB, 3 passes,
    /// 1 lane (RFC 9106's second recommended option). Measured ~0.15 s per
    /// derivation in a release build on the development VM; expect a few
    /// tenths of a second on a mid-range phone.
    pub fn make_default() -> Self {
        Self::make(64 * 1024, 3, 1)
    }

    /// Tiny parameters (64 KiB, 1 pass) with a fresh random salt, for tests
    /// only. They pass validation only under [`KdfFloor::TestsOnly`].
    pub fn make_fast_for_tests() -> Self {
        Self::make(64, 1, 1)
    }

    /// The same costs with a fresh salt (a new store that must cost what this one did).
    pub fn with_new_salt(&self) -> Self {
        Self::make(self.m_cost_kib, self.t_cost, self.p_cost)
    }

    fn make(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Self {
        let mut salt = vec![0u8; SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        KdfParams {
            algorithm: ARGON2ID.to_owned(),
            version: ARGON2_VERSION_13,
            m_cost_kib,
            t_cost,
            p_cost,
            salt,
        }
    }

    /// Checks the algorithm, version, salt length, Argon2's own limits, the
    /// ceilings, and the minimums of `floor`.
    pub fn validate(&self, floor: KdfFloor) -> Result<(), CryptoError> {
        let reject = |why: &str| Err(CryptoError::Kdf(why.to_owned()));
        if self.algorithm != ARGON2ID {
            return reject("algorithm must be argon2id");
        }
        if self.version != ARGON2_VERSION_13 {
            return reject("argon2 version must be 0x13");
        }
        if !(MIN_SALT_LEN..=MAX_SALT_LEN).contains(&self.salt.len()) {
            return reject("salt must be 16 to 64 bytes");
        }
        if self.m_cost_kib > MAX_M_KIB || self.t_cost > MAX_T || self.p_cost > MAX_P {
            return reject("cost parameters exceed the ceiling");
        }
        if self.p_cost == 0 || self.t_cost == 0 || self.m_cost_kib < 8 * self.p_cost {
            return reject("cost parameters below argon2's minimum");
        }
        if floor == KdfFloor::Production
            && (self.m_cost_kib < PROD_MIN_M_KIB || self.t_cost < PROD_MIN_T)
        {
            return reject("cost parameters below the production minimum");
        }
        Ok(())
    }
}

/// Derives the 256-bit PIN key with Argon2id, after validating `params`
/// against the production floor.
pub fn derive_pin_key(pin: &[u8], params: &KdfParams) -> Result<SecretKey, CryptoError> {
    derive_pin_key_with_floor(pin, params, KdfFloor::Production)
}

/// As [`derive_pin_key`] with an explicit floor; tests pass [`KdfFloor::TestsOnly`].
pub fn derive_pin_key_with_floor(
    pin: &[u8],
    params: &KdfParams,
    floor: KdfFloor,
) -> Result<SecretKey, CryptoError> {
    params.validate(floor)?;
    let argon_params = Params::new(
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        Some(super::keys::KEY_LEN),
    )
    .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    // Argon2 writes straight into the key's zeroized-on-drop storage, and the
    // crate's `zeroize` feature wipes its working memory blocks.
    let mut key = SecretKey::zeroed();
    argon
        .hash_password_into(pin, &params.salt, key.bytes_mut())
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> KdfParams {
        KdfParams::make_fast_for_tests()
    }

    fn derive(pin: &[u8], p: &KdfParams) -> SecretKey {
        derive_pin_key_with_floor(pin, p, KdfFloor::TestsOnly).unwrap()
    }

    #[test]
    fn deterministic_for_same_salt() {
        let p = fast();
        assert_eq!(derive(b"1234", &p), derive(b"1234", &p));
    }

    #[test]
    fn differs_by_salt_pin_and_cost() {
        let p = fast();
        let base = derive(b"1234", &p);
        assert_ne!(base, derive(b"1234", &fast()));
        assert_ne!(base, derive(b"1235", &p));
        let mut q = p.clone();
        q.t_cost = 2;
        assert_ne!(base, derive(b"1234", &q));
    }

    #[test]
    fn fast_params_refused_in_production() {
        let p = fast();
        assert!(matches!(
            p.validate(KdfFloor::Production),
            Err(CryptoError::Kdf(_))
        ));
        assert!(matches!(
            derive_pin_key(b"1234", &p),
            Err(CryptoError::Kdf(_))
        ));
        assert!(p.validate(KdfFloor::TestsOnly).is_ok());
    }

    #[test]
    fn default_params_are_production_grade() {
        let p = KdfParams::make_default();
        assert!(p.validate(KdfFloor::Production).is_ok());
        assert_eq!(p.algorithm, "argon2id");
        assert_eq!(p.version, 0x13);
        assert_eq!(p.salt.len(), 16);
        assert_ne!(p.salt, KdfParams::make_default().salt);
    }

    #[test]
    fn tampered_params_rejected() {
        let good = KdfParams::make_default();
        let cases: Vec<fn(&mut KdfParams)> = vec![
            |p| p.algorithm = "argon2i".into(),
            |p| p.version = 0x10,
            |p| p.salt = vec![0; 8],
            |p| p.salt = vec![0; 65],
            |p| p.m_cost_kib = 1024,
            |p| p.t_cost = 1,
            |p| p.t_cost = 0,
            |p| p.p_cost = 0,
            |p| p.m_cost_kib = u32::MAX,
            |p| p.t_cost = 1000,
            |p| p.p_cost = 1000,
        ];
        for tamper in cases {
            let mut p = good.clone();
            tamper(&mut p);
            assert!(matches!(
                p.validate(KdfFloor::Production),
                Err(CryptoError::Kdf(_))
            ));
        }
    }

    #[test]
    fn serde_round_trip() {
        let p = KdfParams::make_default();
        let json = serde_json::to_string(&p).unwrap();
        let back: KdfParams = serde_json::from_str(&json).unwrap();
        assert_eq!(p, back);
    }

    /// `cargo test -p fieldbook-core --release -- --ignored --nocapture kdf_default_timing`
    #[test]
    #[ignore]
    fn kdf_default_timing() {
        let p = KdfParams::make_default();
        derive_pin_key(b"warm-up", &p).unwrap();
        let runs = 5;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            derive_pin_key(b"123456", &p).unwrap();
        }
        let per = start.elapsed() / runs;
        println!(
            "argon2id m={} KiB t={} p={}: {:?} per derivation",
            p.m_cost_kib, p.t_cost, p.p_cost, per
        );
    }
}
