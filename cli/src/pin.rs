//! The PIN: from FIELDBOOK_PIN for scripts, otherwise asked for without echo.

use fieldbook_core::{Error, Lang, Result};
use std::io::IsTerminal;

pub const PIN_ENV: &str = "FIELDBOOK_PIN";

pub fn read_pin(lang: Lang, confirm: bool) -> Result<String> {
    if let Ok(pin) = std::env::var(PIN_ENV) {
        return Ok(pin);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::InvalidInput(
            lang.pick(
                "không có mã PIN: hãy đặt biến môi trường FIELDBOOK_PIN hoặc chạy trong một terminal",
                "no PIN: set FIELDBOOK_PIN or run in a terminal",
            )
            .into(),
        ));
    }
    let pin = rpassword::prompt_password(lang.pick("Mã PIN: ", "PIN: "))?;
    if confirm {
        let again = rpassword::prompt_password(lang.pick("Nhập lại mã PIN: ", "PIN again: "))?;
        if again != pin {
            return Err(Error::InvalidInput(
                lang.pick("hai mã PIN không khớp", "the two PINs differ")
                    .into(),
            ));
        }
    }
    Ok(pin)
}
