//! The `webserver` binary: parses the command line, opens the root, binds the port, and runs
//! `webserver::server::serve` until SIGINT or SIGTERM.

use std::io::{self, Write};
use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use webserver::cli::Cli;
use webserver::root::Root;
use webserver::server::{self, AccessLog, Config};
use webserver::static_files::Listing;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` (to stdout, status 0) and usage errors (to stderr with the usage line,
        // status 2) both arrive here; clap knows which is which.
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("webserver: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // The root is opened once, here, before binding, so a typo is reported as such and not as
    // a port problem; the router below serves from this very handle.
    let root = Root::new(&cli.root)?;
    let listener =
        TcpListener::bind(cli.addr).with_context(|| format!("cannot listen on {}", cli.addr))?;
    let shutdown = webserver::signal::install_shutdown_handler()
        .context("cannot install the signal handler")?;

    let mut config = Config {
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
    let listing = if cli.list_dirs {
        Listing::On
    } else {
        Listing::Off
    };
    // The real address, so `--addr 127.0.0.1:0` reports the port the OS picked.
    let local = listener
        .local_addr()
        .context("cannot read the listening address")?;
    println!("Serving {} on http://{local}", root.path().display());
    io::stdout().flush().context("cannot write to stdout")?;

    let router = webserver::default_router(root, listing);
    server::serve(listener, router, config, shutdown)?;
    println!("Shut down cleanly");
    Ok(())
}
