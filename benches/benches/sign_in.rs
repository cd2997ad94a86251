//! Full sign-ins against the reference server over loopback: authorization request, login form, consent, code
//! redemption. Reports sign-ins per server CPU-second next to one core's argon2id rate at the same parameters,
//! and the server's RSS during and after the load.
//!
//! The server runs as its own process (the release binary, built first when missing), pinned to CPU 0 with
//! `taskset` when it is installed; the load comes from this process. The server's CPU time is read from
//! `/proc/<pid>/stat`, its RSS from `/proc/<pid>/status`.
//!
//! Run with `cargo bench -p nauthera-benches --bench sign_in` (`NAUTHERA_BENCH_SECONDS`, default 20, sets the
//! length of the load; `NAUTHERA_BENCH_CLIENTS`, default 4, the concurrent browsers).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    missing_docs,
    reason = "a benchmark fails loudly on setup errors and prints its report"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use nauthera_core::password::{Argon2Memory, PasswordHash};
use nauthera_core::secret::Password;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT_URI: &str = "http://127.0.0.1:9000/callback";
const PASSWORD: &str = "correct horse battery staple";

/// The server's log filter during the load (the server reads `NAUTHERA_LOG`).
const SERVER_LOG: &str = "warn,nauthera::audit=info";

/// Set in the child that measures the argon2 rate alone, pinned to the server's CPU.
const ARGON2_ONLY: &str = "NAUTHERA_BENCH_ARGON2_ONLY";

fn main() {
    if std::env::var_os(ARGON2_ONLY).is_some() {
        let rates = Argon2Rates::measure(Duration::from_secs(4));
        println!("{} {}", rates.reused, rates.allocating);
        return;
    }
    let seconds: u64 = env_or("NAUTHERA_BENCH_SECONDS", 20);
    let clients: usize = env_or("NAUTHERA_BENCH_CLIENTS", 4);
    let binary = server_binary();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = write_config(dir.path(), port, clients);
    let rates = pinned_argon2_rates();
    let server = ServerProcess(start_server(&binary, &config));
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(wait_ready(&base));
    let idle_rss = rss_kib(pid);

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let peak = Arc::new(AtomicU64::new(idle_rss));
    let sampler = {
        let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let cpu_before = cpu_seconds(pid);
    let hashing_before = thread_cpu_seconds(pid, "nauthera-argon2");
    let started = Instant::now();
    runtime.block_on(load(
        &base,
        clients,
        Duration::from_secs(seconds),
        &stop,
        &done,
    ));
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    let hashing = thread_cpu_seconds(pid, "nauthera-argon2") - hashing_before;
    sampler.join().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let after_rss = rss_kib(pid);
    Report {
        clients,
        elapsed,
        sign_ins: done.load(Ordering::Relaxed) as f64,
        cpu,
        hashing,
        rates,
        rss: [idle_rss, peak.load(Ordering::Relaxed), after_rss],
    }
    .print();
    drop(server);
}

/// What one run measured.
struct Report {
    clients: usize,
    elapsed: f64,
    sign_ins: f64,
    cpu: f64,
    hashing: f64,
    rates: Argon2Rates,
    /// KiB: idle, peak during the load, 2 s after it.
    rss: [u64; 3],
}

impl Report {
    fn print(&self) {
        let Self {
            clients,
            elapsed,
            sign_ins,
            cpu,
            hashing,
            ref rates,
            rss: [idle_rss, peak_rss, after_rss],
        } = *self;
        let per_cpu_second = sign_ins / cpu;
        println!(
            "full sign-ins (authorize, login, consent, token) against the release server on SQLite"
        );
        println!(
            "  clients: {clients}, load: {elapsed:.1} s, pinned: {}, server log: {SERVER_LOG}",
            which("taskset")
        );
        println!("  sign-ins: {sign_ins:.0} ({:.1}/s)", sign_ins / elapsed);
        println!(
            "  server CPU: {cpu:.2} s, of which the password-hashing workers {hashing:.2} s ({:.1} ms per sign-in) and the rest {:.2} s ({:.2} ms per sign-in)",
            1000.0 * hashing / sign_ins,
            cpu - hashing,
            1000.0 * (cpu - hashing) / sign_ins
        );
        println!("  sign-ins per server CPU-second: {per_cpu_second:.1}");
        println!(
            "  argon2id (19 MiB, t=2, p=1) alone on the server's CPU before the load: {:.1} hashes/s in reused \
             memory (share: {:.0}%), {:.1} hashes/s allocating per hash as the argon2 crate does by default \
             (share: {:.0}%); target >= 90%",
            rates.reused,
            100.0 * per_cpu_second / rates.reused,
            rates.allocating,
            100.0 * per_cpu_second / rates.allocating
        );
        println!(
            "  argon2id inside the server during the load: {:.1} hashes per CPU-second; share: {:.0}%",
            sign_ins / hashing,
            100.0 * hashing / cpu
        );
        println!(
            "  server RSS: idle {:.1} MB, peak during load {:.1} MB, 2 s after {:.1} MB (target <= 64 MB)",
            mib(idle_rss),
            mib(peak_rss),
            mib(after_rss)
        );
    }
}

/// `clients` browsers signing in again and again until `duration` is over.
async fn load(
    base: &str,
    clients: usize,
    duration: Duration,
    stop: &Arc<AtomicBool>,
    done: &Arc<AtomicU64>,
) {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let tasks: Vec<_> = (0..clients)
        .map(|index| {
            let username = format!("user{index}");
            let (client, base, stop, done) = (
                client.clone(),
                base.to_owned(),
                Arc::clone(stop),
                Arc::clone(done),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    full_sign_in(&client, &base, &username).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
}

/// The server's process, killed when dropped (also when the benchmark panics).
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One core's argon2id rates at the server's parameters.
struct Argon2Rates {
    /// In memory allocated once and reused, as the server's workers hash.
    reused: f64,
    /// Allocating the 19 MiB for every hash, as the argon2 crate's `hash_password` does.
    allocating: f64,
}

impl Argon2Rates {
    fn measure(each: Duration) -> Self {
        Self {
            reused: argon2_rate(each),
            allocating: argon2_allocating_rate(each),
        }
    }
}

/// The argon2 rates measured in a child process pinned to CPU 0 (where the server will run), or here when
/// `taskset` is missing.
fn pinned_argon2_rates() -> Argon2Rates {
    if !which("taskset") {
        return Argon2Rates::measure(Duration::from_secs(4));
    }
    let output = Command::new("taskset")
        .args(["-c", "0"])
        .arg(std::env::current_exe().unwrap())
        .env(ARGON2_ONLY, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let mut rates = text
        .split_whitespace()
        .map(|rate| rate.parse::<f64>().unwrap());
    Argon2Rates {
        reused: rates.next().unwrap(),
        allocating: rates.next().unwrap(),
    }
}

/// One browser's whole sign-in, with a fresh cookie jar (`prompt=consent`: the consent page every time).
async fn full_sign_in(client: &HttpClient, base: &str, username: &str) {
    let mut cookies = Vec::<String>::new();
    let authorize = format!(
        "{base}/authorize?response_type=code&client_id=bench&redirect_uri={}&scope=openid&state=s\
         &code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=consent",
        urlencode(REDIRECT_URI)
    );
    let (status, _, page) = send(client, "GET", &authorize, None, &mut cookies).await;
    assert_eq!(status, 200, "login page");
    let login = [
        ("interaction", field(&page, "interaction")),
        ("csrf_token", field(&page, "csrf_token")),
        ("username", username.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    let (status, _, consent) = send(
        client,
        "POST",
        &format!("{base}/login"),
        Some(&login),
        &mut cookies,
    )
    .await;
    assert_eq!(status, 200, "consent page: {consent}");
    let allow = [
        ("interaction", field(&consent, "interaction")),
        ("csrf_token", field(&consent, "csrf_token")),
        ("decision", "allow".to_owned()),
    ];
    let (status, location, _) = send(
        client,
        "POST",
        &format!("{base}/consent"),
        Some(&allow),
        &mut cookies,
    )
    .await;
    assert_eq!(status, 303, "redirect to the client");
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "code")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let token = [
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
        ("redirect_uri", REDIRECT_URI.to_owned()),
        ("code_verifier", VERIFIER.to_owned()),
        ("client_id", "bench".to_owned()),
        ("client_secret", "bench-secret".to_owned()),
    ];
    let (status, _, body) = send(
        client,
        "POST",
        &format!("{base}/token"),
        Some(&token),
        &mut Vec::new(),
    )
    .await;
    assert_eq!(status, 200, "token: {body}");
}

async fn send(
    client: &HttpClient,
    method: &str,
    url: &str,
    form: Option<&[(&str, String)]>,
    cookies: &mut Vec<String>,
) -> (u16, String, String) {
    let mut request = http::Request::builder().method(method).uri(url);
    if !cookies.is_empty() {
        request = request.header(http::header::COOKIE, cookies.join("; "));
    }
    let body = match form {
        Some(form) => {
            request = request.header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
            serde_urlencoded::to_string(form).unwrap()
        }
        None => String::new(),
    };
    let response = client
        .request(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    for value in parts.headers.get_all(http::header::SET_COOKIE) {
        let pair = value
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let name = pair.split('=').next().unwrap().to_owned();
        cookies.retain(|cookie| !cookie.starts_with(&format!("{name}=")));
        cookies.push(pair);
    }
    let location = parts
        .headers
        .get(http::header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status.as_u16(),
        location,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// The value of the hidden field `name` in a page.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end]
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).unwrap()[2..].to_owned()
}

/// argon2id hashes per second on one thread, in reused memory, as the server's workers compute them.
fn argon2_rate(duration: Duration) -> f64 {
    let mut memory = Argon2Memory::new();
    let password = Password::new(PASSWORD);
    let start = Instant::now();
    let mut count = 0_u32;
    while start.elapsed() < duration {
        PasswordHash::compute(&password, &[7; 16], &mut memory).unwrap();
        count += 1;
    }
    f64::from(count) / start.elapsed().as_secs_f64()
}

/// argon2id hashes per second on one thread with the argon2 crate's own API, which allocates its memory per hash.
fn argon2_allocating_rate(duration: Duration) -> f64 {
    use argon2::password_hash::{PasswordHasher as _, SaltString};
    let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap();
    let argon2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::encode_b64(&[7; 16]).unwrap();
    let start = Instant::now();
    let mut count = 0_u32;
    while start.elapsed() < duration {
        argon2.hash_password(PASSWORD.as_bytes(), &salt).unwrap();
        count += 1;
    }
    f64::from(count) / start.elapsed().as_secs_f64()
}

fn write_config(dir: &Path, port: u16, clients: usize) -> PathBuf {
    let path = dir.join("nauthera.toml");
    let text = format!(
        r#"version = 1
issuer = "http://127.0.0.1:{port}"
listen = "127.0.0.1:{port}"

[storage]
url = "sqlite://{db}"

[[clients]]
client_id = "bench"
client_name = "Benchmark"
secret = "bench-secret"
auth_method = "client_secret_post"
redirect_uris = ["{REDIRECT_URI}"]
scope = "openid"

"#,
        db = dir.join("nauthera.db").display()
    );
    // One account per browser: attempts for one account are checked one at a time.
    let users: String = (0..clients)
        .map(|index| {
            format!("\n[[users]]\nusername = \"user{index}\"\npassword = \"{PASSWORD}\"\n")
        })
        .collect();
    let text = text + &users;
    std::fs::write(&path, text).unwrap();
    path
}

/// The release server binary: `NAUTHERA_SERVER_BIN`, or `target/release/nauthera-server`, built when missing.
fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("NAUTHERA_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "nauthera-server"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(built.success(), "building the release server failed");
    let target =
        std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), PathBuf::from);
    target.join("release").join("nauthera-server")
}

fn start_server(binary: &Path, config: &Path) -> Child {
    let mut command = if which("taskset") {
        let mut command = Command::new("taskset");
        command.args(["-c", "0"]).arg(binary);
        command
    } else {
        Command::new(binary)
    };
    command
        .args(["--config"])
        .arg(config)
        // The audit events of every sign-in stay on; the per-request log is off, as it is a deployment's choice.
        .env("NAUTHERA_LOG", SERVER_LOG)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

async fn wait_ready(base: &str) {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    for _ in 0..300 {
        let request = http::Request::get(format!("{base}/readyz"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        if let Ok(response) = client.request(request).await
            && response.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// User plus system CPU time of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / clock_ticks_per_second()
}

/// CPU time of the process's threads whose name starts with `prefix`, in seconds.
fn thread_cpu_seconds(pid: u32, prefix: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter(|stat| {
            stat.split_once('(')
                .is_some_and(|(_, rest)| rest.starts_with(&prefix[..prefix.len().min(15)]))
        })
        .map(|stat| {
            let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
            (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap())
                / clock_ticks_per_second()
        })
        .sum()
}

fn clock_ticks_per_second() -> f64 {
    let output = Command::new("getconf").arg("CLK_TCK").output();
    output
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Resident set size in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
