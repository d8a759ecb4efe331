//! Load on running Chidao app servers, as tablets in the field and followers in the office
//! make it. `province` builds a province through the API (units, accounts, directives) and
//! works it: several tablets per commune each pushing a change every few seconds and
//! pulling after it, dashboards open on the live stream; with `--morning`, every tablet
//! instead comes back within a minute with a day of offline work. `accounts` is the older,
//! smaller shape kept for comparison: many tablets on a few demo accounts.
//! Loopback only, bounded in devices and time. Prints each kind of request's latency, the
//! errors, and the CPU and peak memory of the processes named by `--watch`; the last line
//! is the same as JSON.

mod http;
mod measure;
mod province;
mod tablet;

use clap::{Parser, Subcommand};
use measure::{Process, Record};
use rand::Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tablet::{Tablet, Work};

/// More than this many devices or seconds is not a test this machine should run.
const MAX_DEVICES: usize = 10_000;
const MAX_SECONDS: u64 = 600;

#[derive(Debug, Parser)]
#[command(name = "chidao-load")]
struct Args {
    /// Ports of the app servers on 127.0.0.1; device n uses port n mod their number.
    /// (Required; clap cannot require an option that every subcommand takes.)
    #[arg(long, value_delimiter = ',', global = true)]
    ports: Vec<u16>,
    /// How long the load runs, after every device has signed in.
    #[arg(long, default_value_t = 60, global = true)]
    seconds: u64,
    /// Each device takes a turn this often (ms), at a random phase.
    #[arg(long, default_value_t = 5_000, global = true)]
    every_ms: u64,
    /// The demo's password (its admin and supervisor build the province; the accounts
    /// they make get it too).
    #[arg(long, env = "CHIDAO_DEMO_PASSWORD", hide_env_values = true, global = true, default_value = "")]
    password: String,
    /// Processes to report CPU and peak memory of, as name=pid.
    #[arg(long, value_delimiter = ',', global = true)]
    watch: Vec<String>,
    #[command(subcommand)]
    shape: Shape,
}

#[derive(Debug, Subcommand)]
enum Shape {
    /// A province built through the API and worked as its people work.
    Province {
        #[command(flatten)]
        shape: province::Shape,
        /// Instead of the day's work: every tablet comes back within `--window-s` with
        /// `--changes` made offline.
        #[arg(long)]
        morning: bool,
        #[arg(long, default_value_t = 40)]
        changes: usize,
        #[arg(long, default_value_t = 60)]
        window_s: u64,
    },
    /// For comparison only: `devices` tablets shared among a few demo accounts, ticks only.
    Accounts {
        #[arg(long, default_value_t = 1_000)]
        devices: usize,
        #[arg(long, value_delimiter = ',', default_value = "official,official2,official3")]
        accounts: Vec<String>,
    },
}

fn refuse(message: &str) -> std::process::ExitCode {
    eprintln!("chidao-load: {message}");
    std::process::ExitCode::FAILURE
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.password.is_empty() {
        return refuse("the demo's password is needed (--password or CHIDAO_DEMO_PASSWORD)");
    }
    if args.ports.is_empty() || args.seconds == 0 || args.seconds > MAX_SECONDS || args.every_ms == 0 {
        return refuse(&format!("--ports is needed, seconds must be 1..={MAX_SECONDS} and every-ms at least 1"));
    }
    let Some(mut processes) = Process::parse_all(&args.watch) else { return refuse("--watch takes name=pid pairs") };
    let record = Arc::new(Record::default());
    let every = Duration::from_millis(args.every_ms);
    let lasting = Duration::from_secs(args.seconds);
    let summary = match &args.shape {
        Shape::Province { shape, morning, changes, window_s } => {
            let tablets = shape.communes * shape.tablets_per_commune;
            let most = chidao_core::sync::MAX_CHANGES_PER_PUSH;
            if tablets == 0 || tablets > MAX_DEVICES || *changes == 0 || *changes > most || *window_s > MAX_SECONDS {
                return refuse(&format!("tablets (communes × tablets per commune) must be 1..={MAX_DEVICES}, changes 1..={most}"));
            }
            let building = Instant::now();
            let built = match province::build(args.ports[0], shape, &args.password, &record).await {
                Ok(built) => built,
                Err(error) => return refuse(&format!("building the province: {error}")),
            };
            println!("province built through the API in {:.1} s", building.elapsed().as_secs_f64());
            let joining = Instant::now();
            let joined = match province::join_tablets(&args.ports, &built, shape, &args.password, &record).await {
                Ok(joined) => joined,
                Err(error) => return refuse(&format!("tablets joining: {error}")),
            };
            println!("{} tablets signed in and pulled in {:.1} s", joined.len(), joining.elapsed().as_secs_f64());
            Process::start_watching(&mut processes);
            let started = Instant::now();
            if *morning {
                let last = province::morning(joined, *changes, Duration::from_secs(*window_s), &record).await;
                let seconds = started.elapsed().as_secs_f64();
                println!(
                    "morning: {tablets} tablets × {changes} offline changes, back within {window_s} s, on {} server(s); the last accepted {last:.1} s after the first push",
                    args.ports.len()
                );
                let mut summary = record.report(seconds, &processes);
                summary["last_accepted_s"] = last.into();
                summary
            } else {
                province::work(&args.ports, joined, &built, &args.password, every, lasting, &record).await;
                let seconds = started.elapsed().as_secs_f64();
                println!(
                    "province: {} communes × {} tablets, {} departments, {} dashboards live, a turn per tablet every {} ms, on {} server(s), {seconds:.0} s",
                    shape.communes,
                    shape.tablets_per_commune,
                    shape.departments,
                    shape.dashboards,
                    args.every_ms,
                    args.ports.len()
                );
                record.report(seconds, &processes)
            }
        }
        Shape::Accounts { devices, accounts } => {
            if *devices == 0 || *devices > MAX_DEVICES || accounts.is_empty() {
                return refuse(&format!("devices must be 1..={MAX_DEVICES}, with at least one account"));
            }
            let gate = Arc::new(tokio::sync::Semaphore::new(16));
            let joining: Vec<_> = (0..*devices)
                .map(|n| {
                    let (port, account, password, gate, record) = (
                        args.ports[n % args.ports.len()],
                        accounts[n % accounts.len()].clone(),
                        args.password.clone(),
                        gate.clone(),
                        record.clone(),
                    );
                    tokio::spawn(async move {
                        let _turn = gate.acquire_owned().await.expect("the gate stays open");
                        let mut tablet = Tablet::join(port, &account, &password, &record).await?;
                        tablet.work_on(|_, _, _| true);
                        if tablet.items.is_empty() {
                            return Err(format!("{account} has no checklist items to work on"));
                        }
                        Ok::<_, String>(tablet)
                    })
                })
                .collect();
            let mut tablets = Vec::new();
            for joined in joining {
                match joined.await {
                    Ok(Ok(tablet)) => tablets.push(tablet),
                    Ok(Err(error)) => return refuse(&error),
                    Err(error) => return refuse(&error.to_string()),
                }
            }
            Process::start_watching(&mut processes);
            let started = Instant::now();
            let deadline = tokio::time::Instant::now() + lasting;
            let working: Vec<_> = tablets
                .into_iter()
                .map(|mut tablet| {
                    let record = record.clone();
                    let phase = Duration::from_millis(rand::thread_rng().gen_range(0..args.every_ms));
                    tokio::spawn(async move {
                        let mut next = tokio::time::Instant::now() + phase;
                        while next < deadline {
                            tokio::time::sleep_until(next).await;
                            let change = tablet.change(Work::Tick);
                            tablet.push(vec![change], "push", &record).await;
                            tablet.pull(&record).await;
                            next += every;
                        }
                    })
                })
                .collect();
            for task in working {
                let _ = task.await;
            }
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "comparison shape: {devices} tablets on {} demo account(s), ticks only, on {} server(s), {seconds:.0} s; offered {:.0} pushes/s",
                accounts.len(),
                args.ports.len(),
                *devices as f64 * 1_000.0 / args.every_ms as f64
            );
            let mut summary = record.report(seconds, &processes);
            summary["devices"] = (*devices).into();
            summary
        }
    };
    let mut summary = summary;
    summary["servers"] = args.ports.len().into();
    println!("{summary}");
    std::process::ExitCode::SUCCESS
}
