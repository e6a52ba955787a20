//! The `webserver` binary: parses the command line, binds the port, and runs
//! `webserver::server::serve` until SIGINT or SIGTERM.

use std::io::{self, Write};
use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use webserver::cli::{self, USAGE};
use webserver::files::{Listing, Root};
use webserver::server::{self, AccessLog, Config};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("webserver: {error:#}");
            if matches!(error.downcast_ref(), Some(webserver::Error::Usage(_))) {
                eprint!("\n{USAGE}");
                return ExitCode::from(2);
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = cli::parse_args(std::env::args().skip(1))?;
    if cli.help {
        print!("{USAGE}");
        return Ok(());
    }
    // Check the root before binding, so a typo is reported as such and not as a port problem.
    let root = Root::new(&cli.root)?;
    let listener =
        TcpListener::bind(cli.addr).with_context(|| format!("cannot listen on {}", cli.addr))?;
    let shutdown = webserver::signal::install_shutdown_handler()
        .context("cannot install the signal handler")?;

    let mut config = Config {
        root: root.path().to_owned(),
        listing: if cli.list_dirs {
            Listing::On
        } else {
            Listing::Off
        },
        access_log: if cli.quiet {
            AccessLog::Off
        } else {
            AccessLog::On
        },
        ..Config::default()
    };
    if let Some(threads) = cli.threads {
        config.threads = threads;
    }
    // The real address, so `--addr 127.0.0.1:0` reports the port the OS picked.
    let local = listener
        .local_addr()
        .context("cannot read the listening address")?;
    println!("Serving {} on http://{local}", root.path().display());
    io::stdout().flush().context("cannot write to stdout")?;

    server::serve(listener, config, shutdown)?;
    println!("Shut down cleanly");
    Ok(())
}
