//! `cccd readers`: the PC/SC readers pcscd knows, whether a card is in each, and its ATR.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Machine-readable output (`{"version": 1, "readers": [...]}`).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let readers = reader::pcsc::list_readers()?;
    if args.json {
        let out = serde_json::json!({ "version": 1, "readers": readers });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else if readers.is_empty() {
        println!("no readers");
    } else {
        for r in &readers {
            let card = if r.card_present {
                format!("card ATR {}", r.atr)
            } else {
                "no card".to_string()
            };
            println!("{:<24} {card}", r.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
