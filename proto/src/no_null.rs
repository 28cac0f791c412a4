//! Optional request fields are left out or carry a value, never `null`: a
//! request means one thing only, and `hub/openapi.yaml` describes no nulls.
//! Use with `#[serde(default, deserialize_with = "crate::no_null::deserialize")]`
//! (`default` makes the field optional; this refuses an explicit `null`).

use serde::{Deserialize, Deserializer};

/// Reads an optional field's value; an explicit `null` is an error.
pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use crate::devices::{KeyEnvelope, RevokeRequest};
    use crate::enroll::EnrollRequest;

    #[test]
    fn an_optional_field_is_absent_or_a_value_never_null() {
        let enroll =
            r#"{"invite_id":"0190f0b4-3c1e-7000-8000-000000000001","verifier":"","public_key":""}"#;
        let absent: EnrollRequest = serde_json::from_str(enroll).unwrap();
        assert_eq!(
            (absent.label, absent.device_id, absent.join),
            (None, None, None)
        );
        for field in ["label", "device_id", "join"] {
            let with_null = enroll.replace('}', &format!(r#","{field}":null}}"#));
            assert!(
                serde_json::from_str::<EnrollRequest>(&with_null).is_err(),
                "{field}: null was taken"
            );
        }
        let envelope = r#"{"device_id":"0190f0b4-3c1e-7000-8000-000000000001","key_class":"outreach","epoch":1,"wrapped":"AQ=="}"#;
        assert!(serde_json::from_str::<KeyEnvelope>(envelope).is_ok());
        for field in ["signer", "signature"] {
            let with_null = envelope.replace('}', &format!(r#","{field}":null}}"#));
            assert!(serde_json::from_str::<KeyEnvelope>(&with_null).is_err());
        }
        assert!(serde_json::from_str::<RevokeRequest>(r#"{"links":[]}"#).is_ok());
        assert!(serde_json::from_str::<RevokeRequest>(r#"{"links":[],"keys":null}"#).is_err());
    }
}
