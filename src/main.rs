//! The `congkhai` command line.

#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand};

use congkhai::diagnostics::Diagnostics;

use congkhai::pipeline::{self, BuildOptions};

// A build makes and frees hundreds of thousands of small strings and template values
// from two threads; mimalloc's per-thread free lists do this with less time in
// malloc/free than glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "congkhai",
    version,
    about = "Tạo cổng thông tin công khai tĩnh cho phường, xã (static transparency portal generator)",
    long_about = "congkhai biến nội dung đã phê duyệt (content/, data/, themes/) thành một trang web tĩnh trong public/.\n\
                  congkhai turns approved content (content/, data/, themes/) into a static site in public/.\n\
                  Các lệnh và cờ của Zola dùng được như trong Zola (docs/cli.md)."
)]
struct Cli {
    /// Thư mục gốc của trang (nơi có config.toml) — site root directory
    #[arg(long, short = 'r', global = true, default_value = ".")]
    root: PathBuf,

    /// Tệp cấu hình khác config.toml (hoặc zola.toml), tính từ thư mục gốc, ví dụ config.staging.toml — another config file, relative to the root
    #[arg(long, short = 'c', global = true, value_name = "TỆP")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

/// Where and for which address a site is built (build, publish, serve).
#[derive(clap::Args)]
struct OutputArgs {
    /// Thư mục đầu ra, tính từ thư mục hiện tại; mặc định public/ trong thư mục gốc, bản nháp: public-preview/ (output directory)
    #[arg(long, short = 'o', value_name = "THƯ_MỤC")]
    output_dir: Option<PathBuf>,
    /// Địa chỉ trang thay cho base_url trong config.toml (override base_url)
    #[arg(long, short = 'u', value_name = "URL")]
    base_url: Option<String>,
}

/// The build date, shared by every command that builds or checks.
#[derive(clap::Args)]
struct DateArg {
    /// Ngày tạo trang YYYY-MM-DD (build date); mặc định SOURCE_DATE_EPOCH, nếu không thì hôm nay theo giờ Việt Nam
    #[arg(long, value_parser = parse_day, value_name = "NGÀY")]
    now: Option<NaiveDate>,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo trang vào public/ (build the site)
    Build {
        #[command(flatten)]
        output: OutputArgs,
        /// Tạo lại toàn bộ, không dùng bộ nhớ đệm; thay cả thư mục đầu ra không do congkhai tạo (không bao giờ là thư mục gốc, thư mục nguồn hay thư mục chứa chúng) — full build without the incremental cache; replace a non-empty output folder congkhai did not make
        #[arg(long, short = 'f')]
        force: bool,
        /// Bản xem trước cho cán bộ: hiện cả nội dung chưa phê duyệt, có nhãn BẢN NHÁP (staff draft preview)
        #[arg(long)]
        drafts: bool,
        /// Rút gọn HTML như minify_html = true (minify generated HTML)
        #[arg(long)]
        minify: bool,
        #[command(flatten)]
        date: DateArg,
        #[command(flatten)]
        sites: Sites,
    },
    /// Công khai: tạo trang, ký và ghi lần công khai vào lịch sử history/ (build, sign and record in history/)
    Publish {
        #[command(flatten)]
        output: OutputArgs,
        /// Thay cả thư mục đầu ra không do congkhai tạo, như build --force (replace a folder congkhai did not make)
        #[arg(long, short = 'f')]
        force: bool,
        /// Rút gọn HTML như minify_html = true (minify generated HTML)
        #[arg(long)]
        minify: bool,
        #[command(flatten)]
        date: DateArg,
        /// Bắt đầu chuỗi lịch sử mới khi thư mục history/ thiếu mục so với trang đã công khai (only when history/ was really lost)
        #[arg(long)]
        new_chain: bool,
        /// Tệp khóa bí mật minisign của Ủy ban nhân dân (secret key; else $CONGKHAI_SECRET_KEY); với --all/--site: thư mục chứa TÊN.key của từng trang (a folder of <site>.key)
        #[arg(long, value_name = "TỆP")]
        secret_key: Option<PathBuf>,
        #[command(flatten)]
        sites: Sites,
    },
    /// Tạo cặp khóa ký lịch sử (make a minisign key pair for signing the history)
    Keygen {
        /// Nơi lưu khóa bí mật, NGOÀI thư mục trang (secret key path, outside the site); mặc định ~/.config/congkhai/khoa-bi-mat.key
        #[arg(long, value_name = "TỆP")]
        secret_key: Option<PathBuf>,
        /// Ghi đè tệp khóa đã có (overwrite an existing key file)
        #[arg(long)]
        force: bool,
    },
    /// Ký các mục lịch sử đã ghi trước khi có khóa; không sửa mục nào (sign entries recorded before the ward had a key)
    Sign {
        /// Tệp khóa bí mật minisign của Ủy ban nhân dân (secret key; else $CONGKHAI_SECRET_KEY)
        #[arg(long, value_name = "TỆP")]
        secret_key: Option<PathBuf>,
    },
    /// Kiểm tra toàn bộ nội dung, không ghi gì (validate everything, write nothing)
    Check {
        /// Kiểm tra cả nội dung chưa phê duyệt như bản xem trước (include drafts)
        #[arg(long)]
        drafts: bool,
        /// Nhận cho giống Zola; congkhai không bao giờ truy cập mạng nên liên kết ra ngoài luôn được bỏ qua (accepted for Zola; external links are never fetched)
        #[arg(long)]
        skip_external_links: bool,
        #[command(flatten)]
        date: DateArg,
        /// Xem congkhai đọc một tệp dữ liệu thế nào: bảng mã, dấu phân cách, dòng tiêu đề, các cột, dòng tổng (explain how a data file is read)
        #[arg(long, value_name = "TỆP")]
        explain: Option<PathBuf>,
        #[command(flatten)]
        sites: Sites,
    },
    /// Xem trang trên máy, tự tạo lại khi sửa tệp (serve locally with live reload)
    Serve {
        /// Địa chỉ lắng nghe (interface to bind on)
        #[arg(long, short = 'i', default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Cổng (port)
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        #[command(flatten)]
        output: OutputArgs,
        /// Dùng thư mục đầu ra đã có nội dung không do congkhai tạo, như build --force (use a non-empty output folder)
        #[arg(long)]
        force: bool,
        /// Hiện cả nội dung chưa phê duyệt, có nhãn BẢN NHÁP (include drafts)
        #[arg(long)]
        drafts: bool,
        /// Mở trang bằng trình duyệt trong biến BROWSER; không có thì in địa chỉ (open in $BROWSER, else print the address)
        #[arg(long, short = 'O')]
        open: bool,
        /// Sửa thân trang thì chỉ tạo lại trang đó, không tạo lại toàn bộ sau đó (only rebuild the edited page)
        #[arg(long, short = 'f')]
        fast: bool,
        /// Không thêm :CỔNG vào --base-url (do not append the port to the base URL)
        #[arg(long)]
        no_port_append: bool,
        #[command(flatten)]
        date: DateArg,
    },
    /// Kiểm tra một trang đã tạo, không cần mạng: mã SHA-256 từng tệp và chuỗi lịch sử (verify a built site offline)
    Verify {
        /// Thư mục trang đã tạo, ví dụ public (the built site)
        #[arg(required_unless_present_any = ["all", "site"])]
        dir: Option<PathBuf>,
        /// So chuỗi lịch sử của trang với thư mục history/ của Ủy ban nhân dân (compare the site's chain with this history folder)
        #[arg(long, value_name = "THƯ_MỤC")]
        history: Option<PathBuf>,
        /// Bản lưu trước của trang (thư mục) hoặc mã mục đầu chuỗi (64 hex, hoặc SỐ:MÃ): chứng minh chuỗi mới nối tiếp nó (an earlier copy or head hash the chain must extend)
        #[arg(long)]
        since: Option<String>,
        #[command(flatten)]
        sites: Sites,
    },
    /// Tạo một trang mới từ giao diện mặc định (new site from the built-in theme)
    Init {
        /// Thư mục sẽ tạo; mặc định thư mục hiện tại (directory to create, default: current)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Dùng cả thư mục đã có tệp; không ghi đè tệp nào đã có (allow a non-empty folder; no file is overwritten)
        #[arg(long, short = 'f')]
        force: bool,
        /// Loại đơn vị: xã, phường hoặc "đặc khu" (unit type; default from --name, else xã)
        #[arg(long = "type")]
        unit: Option<String>,
        /// Tên đơn vị, ví dụ "Xã Kon Braih" (unit name)
        #[arg(long)]
        name: Option<String>,
        /// Tỉnh, thành phố, ví dụ "Tỉnh Quảng Ngãi" (province)
        #[arg(long)]
        province: Option<String>,
        /// Tạo kho cấp tỉnh trống (congkhai.toml, sites/) thay vì một trang (an empty province workspace)
        #[arg(long)]
        workspace: bool,
    },
    /// In đoạn mã gợi ý lệnh (tab) cho shell: bash, zsh, fish, powershell, elvish (shell completion)
    Completion {
        /// Shell cần gợi ý lệnh (shell to generate completion for)
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `--all` / `--site NAME`: run the command on the sites of a province workspace
/// (congkhai.toml at --root; docs/province.md).
#[derive(clap::Args, Clone, Default)]
struct Sites {
    /// Mọi trang trong sites/ của kho cấp tỉnh, song song (every site of the province workspace)
    #[arg(long, conflicts_with = "site")]
    all: bool,
    /// Chỉ một trang của kho cấp tỉnh: tên thư mục trong sites/ (one site of the workspace)
    #[arg(long, value_name = "TÊN")]
    site: Option<String>,
}

impl Sites {
    fn any(&self) -> bool {
        self.all || self.site.is_some()
    }
}

/// What to do after `init`, with commands that work without `congkhai` on PATH: the
/// full path of the running binary (quoted for a POSIX shell).
fn print_next_steps(dir: &std::path::Path, name: &str) {
    let quote = |p: &std::path::Path| {
        let s = p.display().to_string();
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
        {
            s
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let exe = std::env::current_exe()
        .map(|p| quote(&p))
        .unwrap_or_else(|_| "cargo run --release --".to_string());
    let root = quote(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    eprintln!(
        "Đã tạo cổng thông tin công khai của {name} trong {root}.\n\
         Mỗi mục có một bản ghi mẫu (có phần phê duyệt [approval]) để sao chép; thay nội dung mẫu bằng thông tin thật.\n\
         Bước tiếp theo:\n\
         \x20 1. Sửa {root}/config.toml: địa chỉ trang (base_url), địa chỉ, số điện thoại, e-mail của đơn vị.\n\
         \x20 2. Xem thử trên máy (mở http://127.0.0.1:1111/ trong trình duyệt):\n\
         \x20    {exe} --root {root} serve\n\
         \x20 3. Kiểm tra lỗi:  {exe} --root {root} check\n\
         \x20 4. Tạo trang:     {exe} --root {root} build   (kết quả trong {root}/public)"
    );
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            format!("ngày không hợp lệ \u{201c}{s}\u{201d}: viết YYYY-MM-DD, ví dụ 2026-06-10")
        })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Second line of defence against deep nesting (the first is
    // `markdown::MAX_NESTING`, checked before any recursive component): the build's
    // worker threads get 8 MiB of stack instead of the default 2 MiB. Fails only if a
    // pool already exists, which cannot happen this early.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .build_global();
    let root = cli.root.clone();
    if let Some(code) = workspace_command(&root, &cli.command) {
        return code;
    }
    // What every building command shares: the root and `--config`.
    let base = BuildOptions {
        root: root.clone(),
        config_file: cli.config.clone(),
        ..Default::default()
    };
    let result = match cli.command {
        Command::Build {
            output,
            force,
            drafts,
            minify,
            date,
            ..
        } => build(
            BuildOptions {
                output_dir: output.output_dir,
                base_url: output.base_url,
                force,
                drafts,
                minify,
                today: date.now,
                ..base
            },
            false,
        ),
        Command::Publish {
            output,
            force,
            minify,
            date,
            new_chain,
            secret_key,
            ..
        } => build(
            BuildOptions {
                output_dir: output.output_dir,
                base_url: output.base_url,
                force,
                minify,
                today: date.now,
                record_history: true,
                new_chain,
                secret_key,
                ..base
            },
            true,
        ),
        Command::Keygen { secret_key, force } => keygen(&root, secret_key, force),
        Command::Sign { secret_key } => sign(&base, secret_key),
        Command::Check {
            explain: Some(file),
            ..
        } => {
            let rel = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
            print!("{}", congkhai::kinds::tables::explain(&root, &rel));
            Ok(())
        }
        // `--skip-external-links` changes nothing: congkhai never fetches a link.
        Command::Check { drafts, date, .. } => check(BuildOptions {
            drafts,
            today: date.now,
            ..base
        }),
        Command::Serve {
            interface,
            port,
            output,
            force,
            drafts,
            open,
            fast,
            no_port_append,
            date,
        } => {
            let opts = BuildOptions {
                output_dir: output.output_dir,
                base_url: output.base_url,
                force,
                drafts,
                today: date.now,
                ..base
            };
            let so = congkhai::serve::ServeOptions {
                interface: interface.to_string(),
                port,
                open,
                fast,
                no_port_append,
            };
            congkhai::serve::serve(opts, &so).map_err(Diagnostics::from)
        }
        Command::Verify {
            dir: Some(dir),
            history,
            since,
            ..
        } => return verify(&dir, history.as_deref(), since.as_deref()),
        Command::Verify { dir: None, .. } => return ExitCode::FAILURE,
        Command::Init {
            dir,
            workspace: true,
            province,
            ..
        } => congkhai::workspace::init(&dir, province.as_deref())
            .map_err(Diagnostics::from)
            .map(|name| {
                eprintln!(
                    "Đã tạo kho cấp tỉnh của {name} trong {}.\n\
                     Thêm từng xã, phường bằng: congkhai init {}/sites/TÊN --name \"Xã …\" (TÊN: chữ thường không dấu, số, dấu gạch ngang),\n\
                     rồi tạo mọi trang: congkhai --root {} build --all (xem docs/province.md).",
                    dir.display(),
                    dir.display(),
                    dir.display()
                )
            }),
        Command::Init {
            dir,
            force,
            unit,
            name,
            province,
            ..
        } => {
            let opts = congkhai::init::InitOptions {
                unit,
                name,
                province,
                force,
            };
            congkhai::init::init(&dir, &opts)
                .map_err(Diagnostics::from)
                .map(|(_, name)| print_next_steps(&dir, &name))
        }
        Command::Completion { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "congkhai", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => report_failure(diags),
    }
}

/// `build`, `publish`, `check`, `verify` with `--all` or `--site NAME`: every site of the
/// province workspace at `root` (src/workspace/), with a summary table. `None` when the
/// command is not one of those.
fn workspace_command(root: &std::path::Path, command: &Command) -> Option<ExitCode> {
    use congkhai::workspace::{self, Op, RunOptions};
    let force = matches!(command, Command::Build { force: true, .. });
    let (op, sites, drafts, now, keys_dir, new_chain, single) = match command {
        Command::Build {
            sites,
            drafts,
            date,
            output,
            ..
        } => (
            Op::Build,
            sites,
            *drafts,
            date.now,
            None,
            false,
            output.output_dir.is_some() || output.base_url.is_some(),
        ),
        Command::Publish {
            sites,
            date,
            secret_key,
            new_chain,
            output,
            ..
        } => (
            Op::Publish,
            sites,
            false,
            date.now,
            secret_key.clone(),
            *new_chain,
            output.output_dir.is_some() || output.base_url.is_some(),
        ),
        Command::Check {
            sites,
            drafts,
            date,
            explain,
            ..
        } => (
            Op::Check,
            sites,
            *drafts,
            date.now,
            None,
            false,
            explain.is_some(),
        ),
        Command::Verify {
            sites,
            dir,
            history,
            since,
        } => (
            Op::Verify,
            sites,
            false,
            None,
            None,
            false,
            dir.is_some() || history.is_some() || since.is_some(),
        ),
        _ => return None,
    };
    if !sites.any() {
        return None;
    }
    if single {
        eprintln!(
            "lỗi: --all và --site không dùng chung với --output-dir, --base-url, --explain, THƯ_MỤC, --history hay --since (mỗi trang dùng config.toml của nó)\n  gợi ý: bỏ các tùy chọn đó, hoặc chạy lệnh trong thư mục của một trang"
        );
        return Some(ExitCode::FAILURE);
    }
    let ws = match workspace::Workspace::load(root) {
        Ok(ws) => ws,
        Err(d) => return Some(report_failure(d)),
    };
    let run = RunOptions {
        op,
        drafts,
        today: now,
        only: sites.site.clone(),
        keys_dir,
        new_chain,
        force,
    };
    match workspace::run(&ws, &run) {
        Ok(report) => {
            eprint!("{}", workspace::report_text(&ws, &report, op));
            if report.failed() > 0 {
                Some(ExitCode::FAILURE)
            } else {
                Some(ExitCode::SUCCESS)
            }
        }
        Err(d) => Some(report_failure(d)),
    }
}

/// `congkhai keygen`: a minisign key pair; the secret key outside the site, mode 0600.
fn keygen(root: &std::path::Path, path: Option<PathBuf>, force: bool) -> Result<(), Diagnostics> {
    let path = match path {
        Some(p) => p,
        None => {
            let home = std::env::var_os("HOME").ok_or_else(|| {
                congkhai::diagnostics::Diagnostic::error("không biết thư mục nhà (HOME chưa đặt)")
                    .hint("chỉ nơi lưu khóa: congkhai keygen --secret-key ĐƯỜNG-DẪN")
            })?;
            PathBuf::from(home).join(".config/congkhai/khoa-bi-mat.key")
        }
    };
    let pk = congkhai::trust::signing::write_key_pair(root, &path, force)?;
    println!("{pk}");
    eprintln!(
        "Đã tạo cặp khóa ký lịch sử (khóa {id}).\n\
         Khóa bí mật: {sk} (quyền 0600, KHÔNG mật khẩu để lệnh công khai hằng đêm dùng được; giữ kín, sao lưu ở nơi an toàn, không đưa vào kho git).\n\
         Thêm vào config.toml của trang:\n\n[signing]\npublic_key = \"{pk}\"\n\n\
         Rồi: congkhai sign --secret-key {sk}  (ký các mục đã có), congkhai publish --secret-key {sk}  (hoặc đặt {env}={sk}).",
        id = congkhai::trust::signing::key_id_of(&pk),
        sk = path.display(),
        env = congkhai::trust::signing::SECRET_KEY_ENV,
    );
    Ok(())
}

/// `congkhai sign`: sign the entries that have no signature yet.
fn sign(opts: &BuildOptions, secret_key: Option<PathBuf>) -> Result<(), Diagnostics> {
    let root = &opts.root;
    let (config, _) = opts.load_config()?;
    let signer = congkhai::trust::publish::load_signer(&config, secret_key.as_deref())?
        .ok_or_else(|| {
            congkhai::diagnostics::Diagnostic::error(
                "config.toml chưa có [signing] public_key: chưa có khóa để ký",
            )
            .in_file("config.toml")
            .hint("tạo khóa bằng congkhai keygen --secret-key ĐƯỜNG-DẪN rồi thêm dòng [signing] public_key mà lệnh in ra vào config.toml")
        })?;
    let done = congkhai::trust::publish::sign_existing(root, &config, &signer)?;
    if done.is_empty() {
        eprintln!("Mọi mục lịch sử đã có chữ ký; không ký thêm mục nào.");
    } else {
        eprintln!(
            "Đã ký {} mục lịch sử ({}). Nhớ lưu các tệp .minisig vào kho (git add history/), rồi chạy congkhai publish.",
            done.len(),
            done.join(", ")
        );
    }
    Ok(())
}

/// `congkhai build` and `congkhai publish`, with their one-line summary.
fn build(opts: BuildOptions, publishing: bool) -> Result<(), Diagnostics> {
    let started = std::time::Instant::now();
    pipeline::build_or_skip(&opts).map(|(s, kept)| {
        // Speed (10,000-page benchmark, docs/benchmarks.md): the process exits next:
        // freeing the model and the renderer's page
        // values (hundreds of thousands of small allocations) one by one would
        // only cost time, about a tenth of a 10,000-page build.
        std::mem::forget(kept);
        print_warnings(&s.warnings);
        if s.unchanged {
            eprintln!(
                "Không có gì thay đổi từ lần tạo trang trước: giữ nguyên {} ({} trang, {} tệp; {} ms). Dùng --force để tạo lại toàn bộ.",
                s.output.display(),
                s.pages,
                s.files,
                started.elapsed().as_millis()
            );
            print_pending_note(&opts, &s, publishing);
            return;
        }
        eprintln!(
            "Đã tạo trang: {} trang, {} mục, {} tệp trong {} ({} ms){}{}",
            s.pages,
            s.sections,
            s.files,
            s.output.display(),
            started.elapsed().as_millis(),
            if s.drafts > 0 {
                format!("; {} bản nháp", s.drafts)
            } else {
                String::new()
            },
            if s.expired + s.embargoed > 0 {
                format!(
                    "; {} hết hạn, {} chưa đến ngày đăng",
                    s.expired, s.embargoed
                )
            } else {
                String::new()
            },
        );
        print_pending_note(&opts, &s, publishing);
    })
}

/// What a build's output is with respect to the history: a draft preview, a preview
/// of the next publication (also when the build was skipped), or a recorded one.
fn print_pending_note(opts: &BuildOptions, s: &pipeline::Summary, publishing: bool) {
    if opts.drafts {
        eprintln!("LƯU Ý: đây là BẢN XEM TRƯỚC (bản nháp), không đăng lên mạng.");
    } else if !publishing && s.history.entry.is_some() {
        eprintln!(
            "LƯU Ý: bản xem trước của lần công khai tiếp theo: mục lịch sử mới chưa được ghi vào history/ và chưa ký; công khai thật bằng congkhai publish."
        );
    } else if publishing && s.history.entry.is_some() {
        eprintln!(
            "Đã ghi lần công khai vào lịch sử ({}). Nhớ lưu vào kho: git add history/ && git commit",
            s.history
                .entry
                .as_ref()
                .map(|(n, _)| n.as_str())
                .unwrap_or_default()
        );
    }
}

/// `congkhai check`.
fn check(opts: BuildOptions) -> Result<(), Diagnostics> {
    pipeline::check(&opts).map(|s| {
        print_warnings(&s.warnings);
        eprintln!(
            "Kiểm tra xong: không có lỗi ({} trang, {} cảnh báo).",
            s.pages,
            s.warnings.warning_count()
        );
    })
}

/// `congkhai verify DIR [--history H] [--since OLD]`: its own wording for success and
/// failure.
fn verify(
    dir: &std::path::Path,
    history: Option<&std::path::Path>,
    since: Option<&str>,
) -> ExitCode {
    use congkhai::trust::verify::Since;
    let since = since.map(Since::parse);
    match congkhai::trust::verify::verify_all(dir, history, since.as_ref()) {
        Ok(r) => {
            for (entry, old, new) in &r.rotations {
                eprintln!(
                    "Đổi khóa ký tại mục {entry}: khóa {old} → khóa {new} (được ghi trong chuỗi)."
                );
            }
            if r.signed > 0 {
                eprintln!(
                    "Chữ ký: {} mục có chữ ký hợp lệ bằng khóa mà chuỗi ghi cho từng mục.",
                    r.signed
                );
            }
            if let Some(head) = &r.unrecorded {
                eprintln!(
                    "CẢNH BÁO: mục lịch sử mới nhất {head} CHƯA ĐƯỢC GHI vào lịch sử chính thức và CHƯA KÝ: đây là bản xem trước (congkhai build), không phải lần công khai chính thức (congkhai publish)."
                );
            }
            let unsigned: Vec<&String> = r
                .unsigned
                .iter()
                .filter(|n| Some(*n) != r.unrecorded.as_ref())
                .collect();
            if !unsigned.is_empty() {
                eprintln!(
                    "CẢNH BÁO: {} mục lịch sử chưa có chữ ký ({}): chỉ chuỗi mã SHA-256 bảo vệ chúng; hãy lưu bản sao để so bằng --since.",
                    unsigned.len(),
                    unsigned
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if let Some(n) = r.since {
                eprintln!(
                    "Chuỗi hiện tại nối tiếp bản đã lưu: {n} mục cũ còn nguyên, đúng thứ tự, không mục nào bị xóa hay viết lại."
                );
            }
            eprintln!(
                "Trang {} khớp bản kê khai: {} tệp, {} nội dung, chuỗi lịch sử {} mục còn nguyên vẹn{}.",
                dir.display(),
                r.files,
                r.items,
                r.entries,
                if r.anchored {
                    " và trùng với thư mục lịch sử đã cho"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in diags.iter() {
                eprintln!("{d}");
            }
            eprintln!(
                "\nKHÔNG KHỚP: trang {} đã bị thay đổi sau khi công khai ({} lỗi; lỗi đầu tiên là điểm bị sửa sớm nhất).",
                dir.display(),
                diags.error_count()
            );
            ExitCode::FAILURE
        }
    }
}

/// Print the errors of a failed command and say what became of the site.
fn report_failure(diags: Diagnostics) -> ExitCode {
    let diags = diags.sorted();
    for d in diags.iter() {
        eprintln!("{d}");
    }
    let n = diags.error_count();
    let published = diags.iter().any(|d| {
        d.message
            .contains(congkhai::trust::chain::PUBLISHED_NOT_RECORDED)
    });
    if published {
        eprintln!(
            "\nTrang mới đã được công khai nhưng lịch sử chưa ghi xong ({n} lỗi); lần tạo trang sau sẽ ghi bổ sung."
        );
    } else {
        eprintln!("\nKhông tạo được trang: {n} lỗi. Trang cũ (nếu có) vẫn giữ nguyên.");
    }
    ExitCode::FAILURE
}

fn print_warnings(w: &Diagnostics) {
    for d in w.iter() {
        eprintln!("{d}");
    }
}
