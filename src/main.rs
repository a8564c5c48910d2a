//! The `congkhai` command line.

#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

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
                  congkhai turns approved content (content/, data/, themes/) into a static site in public/."
)]
struct Cli {
    /// Thư mục gốc của trang (nơi có config.toml) — site root directory
    #[arg(long, short = 'r', global = true, default_value = ".")]
    root: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo trang vào public/ (build the site)
    Build {
        /// Thư mục đầu ra (output directory); mặc định public/, bản nháp: public-preview/
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Thay base_url trong config.toml (override base_url)
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Bản xem trước cho cán bộ: hiện cả nội dung chưa phê duyệt, có nhãn BẢN NHÁP (staff draft preview)
        #[arg(long)]
        drafts: bool,
        /// Ngày tạo trang YYYY-MM-DD (build date); mặc định hôm nay theo giờ Việt Nam
        #[arg(long, value_parser = parse_day)]
        now: Option<NaiveDate>,
        /// Bắt đầu chuỗi lịch sử mới khi thư mục history/ thiếu mục so với trang đã công khai (start a new history chain; only when history/ was really lost)
        #[arg(long)]
        new_chain: bool,
    },
    /// Kiểm tra toàn bộ nội dung, không ghi gì (validate everything, write nothing)
    Check {
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_day)]
        now: Option<NaiveDate>,
    },
    /// Xem trang trên máy, tự tạo lại khi sửa tệp (serve locally with live reload)
    Serve {
        /// Cổng (port)
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Địa chỉ lắng nghe (interface)
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_day)]
        now: Option<NaiveDate>,
    },
    /// Kiểm tra một trang đã tạo, không cần mạng: mã SHA-256 từng tệp và chuỗi lịch sử (verify a built site offline)
    Verify {
        /// Thư mục trang đã tạo, ví dụ public (the built site)
        dir: PathBuf,
        /// So chuỗi lịch sử của trang với thư mục history/ của phường (compare the site's chain with this history folder)
        #[arg(long)]
        history: Option<PathBuf>,
    },
    /// Tạo một trang mới từ giao diện mặc định (new site from the built-in theme)
    Init {
        /// Thư mục sẽ tạo (directory to create)
        dir: PathBuf,
    },
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
    let result = match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
            now,
            new_chain,
        } => build(BuildOptions {
            root,
            output_dir,
            base_url,
            drafts,
            today: now,
            record_history: !drafts,
            new_chain,
        }),
        Command::Check { drafts, now } => check(BuildOptions {
            root,
            drafts,
            today: now,
            ..Default::default()
        }),
        Command::Serve {
            port,
            interface,
            drafts,
            now,
        } => {
            let opts = BuildOptions {
                root,
                drafts,
                today: now,
                ..Default::default()
            };
            congkhai::serve::serve(opts, &interface, port).map_err(Diagnostics::from)
        }
        Command::Verify { dir, history } => return verify(&dir, history.as_deref()),
        Command::Init { dir } => congkhai::init::init(&dir)
            .map_err(Diagnostics::from)
            .map(|()| {
                eprintln!(
                    "Đã tạo trang mới trong {}. Tiếp theo: cd {} && congkhai serve",
                    dir.display(),
                    dir.display()
                );
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => report_failure(diags),
    }
}

/// `congkhai build`, with its one-line summary.
fn build(opts: BuildOptions) -> Result<(), Diagnostics> {
    let started = std::time::Instant::now();
    pipeline::build_keep(&opts).map(|(s, kept)| {
        // Speed (10,000-page benchmark, docs/benchmarks.md): the process exits next:
        // freeing the model and the renderer's page
        // values (hundreds of thousands of small allocations) one by one would
        // only cost time, about a tenth of a 10,000-page build.
        std::mem::forget(kept);
        print_warnings(&s.warnings);
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
        if opts.drafts {
            eprintln!("LƯU Ý: đây là BẢN XEM TRƯỚC (bản nháp), không đăng lên mạng.");
        }
    })
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

/// `congkhai verify DIR [--history H]`: its own wording for success and failure.
fn verify(dir: &std::path::Path, history: Option<&std::path::Path>) -> ExitCode {
    match congkhai::trust::verify::verify_with_history(dir, history) {
        Ok(r) => {
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
