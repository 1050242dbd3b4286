//! The consistency rules a hand-edited profile could break (limits a short APDU cannot carry,
//! a key provisioning without its commands, a `[pace]` section the chip could not honour),
//! checked once when a profile is loaded so neither the encoder nor the virtual chip meets an
//! impossible combination. Kept apart from the data types, which stay plain declarations.

use super::{AaAlgorithm, KeyProvisioning, PacePassword, Profile};

impl Profile {
    /// Consistency rules a hand-edited profile could break.
    pub(super) fn validate(&self) -> Result<(), String> {
        let a = &self.apdu;
        if self.aid.is_empty() || self.aid.len() > 16 {
            return Err("aid must be 1..16 bytes".into());
        }
        if self.atr.len() < 2 || self.atr.len() > 33 {
            return Err("atr must be 2..33 bytes".into());
        }
        let short_ok = |n: usize, max: usize| n >= 1 && n <= max;
        let (cmax, rmax) = if a.extended_length {
            (65_535, 65_536)
        } else {
            (255, 256)
        };
        if !short_ok(a.max_command_data, cmax) || !short_ok(a.max_response_data, rmax) {
            return Err(format!(
                "apdu limits exceed what {} APDUs carry",
                if a.extended_length {
                    "extended"
                } else {
                    "short"
                }
            ));
        }
        if a.max_command_data_sm == 0 || a.max_command_data_sm > a.max_command_data {
            return Err("apdu.max_command_data_sm must be 1..=max_command_data".into());
        }
        if self.files.max_file_size == 0 || self.files.max_file_size > 65_535 {
            return Err("files.max_file_size must be 1..=65535".into());
        }
        if self.files.max_file_size > 32_767
            && (self.commands.update_binary_odd.is_none()
                || self.commands.read_binary_odd.is_none())
        {
            return Err(
                "files larger than 32767 bytes need update_binary_odd and read_binary_odd".into(),
            );
        }
        match self.algorithms.aa_key_provisioning {
            KeyProvisioning::Inject => {
                if self.commands.put_aa_modulus.is_none()
                    || self.commands.put_aa_private_exponent.is_none()
                {
                    return Err("aa_key_provisioning = inject needs put_aa_modulus and put_aa_private_exponent".into());
                }
                if !matches!(
                    self.algorithms.active_authentication,
                    AaAlgorithm::RsaIso9796_2 { .. }
                ) {
                    return Err("key injection is defined for RSA keys only".into());
                }
            }
            KeyProvisioning::GenerateOnChip => {
                if self.commands.generate_aa_key.is_none() {
                    return Err(
                        "aa_key_provisioning = generate-on-chip needs generate_aa_key".into(),
                    );
                }
            }
        }
        if self.algorithms.chip_authentication.is_some() && self.commands.generate_ca_key.is_none()
        {
            return Err("chip_authentication needs generate_ca_key".into());
        }
        self.validate_pace()?;
        if self.timing.transfer_rate_bps == 0 || self.timing.eeprom_page_size == 0 {
            return Err("timing.transfer_rate_bps and timing.eeprom_page_size must be > 0".into());
        }
        Ok(())
    }

    /// PACE and Chip Authentication need their commands and a consistent `[pace]` section.
    fn validate_pace(&self) -> Result<(), String> {
        let c = &self.commands;
        let auth_commands =
            c.manage_security_environment.is_some() && c.general_authenticate.is_some();
        if self.protocols.chip_authentication {
            if self.algorithms.chip_authentication.is_none() {
                return Err(
                    "protocols.chip_authentication needs algorithms.chip_authentication".into(),
                );
            }
            if !auth_commands {
                return Err("chip_authentication needs manage_security_environment and general_authenticate".into());
            }
        }
        match (&self.pace, self.protocols.pace) {
            (None, true) => return Err("protocols.pace needs a [pace] section".into()),
            (Some(_), false) => {
                return Err("a [pace] section needs protocols.pace = true".into());
            }
            (None, false) => return Ok(()),
            (Some(_), true) => {}
        }
        let Some(pace) = &self.pace else {
            return Ok(());
        };
        if !auth_commands {
            return Err("pace needs manage_security_environment and general_authenticate".into());
        }
        if pace.offers.is_empty() {
            return Err("pace.offers is empty".into());
        }
        for offer in &pace.offers {
            offer.params().map_err(|e| format!("pace.offers: {e}"))?;
            let cipher = offer.protocol.cipher_name();
            if !self.algorithms.secure_messaging.iter().any(|c| c == cipher) {
                return Err(format!(
                    "pace.offers uses {cipher}, which algorithms.secure_messaging does not list"
                ));
            }
        }
        if pace.passwords.is_empty() {
            return Err("pace.passwords is empty".into());
        }
        if pace.passwords.contains(&PacePassword::Can) && c.put_can.is_none() {
            return Err("a CAN password needs the put_can command".into());
        }
        for (name, retry) in [("can_retry", pace.can_retry), ("mrz_retry", pace.mrz_retry)] {
            pace::RetryCounter::new(retry.policy()).map_err(|e| format!("pace.{name}: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const JMRTD: &str = include_str!("../../../../firmware-profiles/jmrtd-applet.toml");
    const CCCD: &str = include_str!("../../../../firmware-profiles/cccd-chip.toml");

    #[test]
    fn shipped_profiles_load() {
        let j = Profile::from_toml(JMRTD, "jmrtd-applet.toml").unwrap();
        assert_eq!(j.aid, hex::decode("A0000002471001").unwrap());
        assert!(!j.apdu.extended_length);
        assert_eq!(j.apdu.max_command_data, 255);
        assert_eq!(j.max_read_sm(), 231);
        let c = Profile::from_toml(CCCD, "cccd-chip.toml").unwrap();
        assert!(c.apdu.extended_length);
        assert_eq!(
            c.algorithms.aa_key_provisioning,
            KeyProvisioning::GenerateOnChip
        );
    }

    #[test]
    fn inconsistent_profiles_are_rejected() {
        for (from, to, why) in [
            (
                "max_command_data = 255",
                "max_command_data = 300",
                "short limits",
            ),
            ("aid = \"A0000002471001\"", "aid = \"XY\"", "bad hex"),
            (
                "max_file_size = 32767",
                "max_file_size = 40000",
                "odd INS missing",
            ),
            ("name = ", "nom = ", "unknown field"),
        ] {
            assert!(JMRTD.contains(from), "{from}");
            let text = JMRTD.replacen(from, to, 1);
            let e = Profile::from_toml(&text, "x.toml").unwrap_err();
            assert!(
                e.to_string().starts_with("firmware profile x.toml:"),
                "{why}: {e}"
            );
        }
        assert!(Profile::load(Path::new("/nonexistent/profile.toml")).is_err());
    }

    /// A hand-edited PACE or CA section that the chip could not honour is refused with the
    /// field named.
    #[test]
    fn inconsistent_pace_and_ca_settings_are_rejected() {
        for (from, to, why) in [
            ("pace = true", "pace = false", "needs protocols.pace = true"),
            ("parameter_id = 13 }", "parameter_id = 99 }", "pace.offers"),
            (
                r#"secure_messaging = ["3des", "aes-128", "aes-256"]"#,
                r#"secure_messaging = ["3des", "aes-128"]"#,
                "aes-256, which algorithms.secure_messaging does not list",
            ),
            (
                "can_retry = { max_attempts = 10 }",
                "can_retry = { max_attempts = 0 }",
                "pace.can_retry",
            ),
            (
                "can_retry = { max_attempts = 10 }",
                "can_retry = { suspend_at = 1 }",
                "pace.can_retry",
            ),
            (
                r#"passwords = ["can", "mrz"]"#,
                "passwords = []",
                "pace.passwords is empty",
            ),
            ("put_can = {", "# put_can = {", "put_can"),
            (
                "general_authenticate = {",
                "# general_authenticate = {",
                "general_authenticate",
            ),
            (
                r#"chip_authentication = { kind = "ecdh-p256" }"#,
                "",
                "needs algorithms.chip_authentication",
            ),
            (
                r#"{ protocol = "ecdh-gm-aes-128", parameter_id = 13 },"#,
                r#"{ protocol = "ecdh-gm-aes-512", parameter_id = 13 },"#,
                "unknown variant",
            ),
        ] {
            assert!(CCCD.contains(from), "{from}");
            let text = CCCD.replacen(from, to, 1);
            let e = Profile::from_toml(&text, "x.toml").unwrap_err().to_string();
            assert!(e.contains(why), "{why}: {e}");
        }
        // Without a [pace] section and with PACE off, a profile is fine (the JMRTD applet).
        let j = Profile::from_toml(JMRTD, "jmrtd-applet.toml").unwrap();
        assert!(j.pace_offers().is_empty() && j.pace_choices().is_empty());
        let c = Profile::from_toml(CCCD, "cccd-chip.toml").unwrap();
        assert_eq!(c.pace_offers().len(), 3);
        assert_eq!(c.pace_choices()[0].parameter_id, 13);
    }
}
