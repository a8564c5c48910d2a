//! Zola's image functions, `resize_image` and `get_image_metadata`, through the `image`
//! crate Zola uses (same version, only the JPEG, PNG, WebP and GIF codecs).
//!
//! Operations and returned objects are Zola's (`components/imageproc` of Zola `next`):
//! `scale`, `fit_width`, `fit_height`, `fit`, `fill`; formats `auto` (JPEG for a lossy
//! source, else PNG), `jpg`, `png`, `webp`. The result is
//! `processed_images/<stem>.<16 hex>.<ext>`, the hex being the start of a SHA-256 of
//! the input bytes, the operation and the format, so the same photo resized the same
//! way is one file, made once per build however many pages ask for it, and
//! byte-identical between builds.
//!
//! Memory limit: an image whose header declares more than [`MAX_PIXELS`] pixels (or a
//! side over [`MAX_SIDE`]) is refused before it is decoded, and the decoder may not
//! allocate more than [`MAX_ALLOC`] bytes: a decompression bomb is an error naming the
//! file, never an out-of-memory crash. A 40-megapixel photo needs about 160 MiB while
//! it is resized (4 bytes a pixel); outputs are limited to [`MAX_SIDE`] a side.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex, OnceLock};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::Digest;
use tera::{Kwargs, TeraResult, Value};

use super::Lookup;
use super::functions::search_for_file;

/// Largest image accepted, in pixels (width × height as the file's header declares).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Largest width or height accepted, for an input or a requested output.
pub const MAX_SIDE: u32 = 12_000;
/// Most memory the decoder may allocate for one image.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// The folder of the output the resized images go to (Zola's `RESIZED_SUBDIR`).
pub const SUBDIR: &str = "processed_images";

type Made = Arc<OnceLock<Result<Arc<Vec<u8>>, String>>>;

/// The images made during one build, by output file name; [`Store::files`] hands
/// them to the render stage, which writes them once.
#[derive(Default)]
pub struct Store {
    made: Mutex<BTreeMap<String, Made>>,
}

impl Store {
    /// Every image made so far, sorted by name.
    pub fn files(&self) -> Vec<(String, Arc<Vec<u8>>)> {
        let Ok(made) = self.made.lock() else {
            return Vec::new();
        };
        made.iter()
            .filter_map(|(name, cell)| match cell.get() {
                Some(Ok(bytes)) => Some((format!("{SUBDIR}/{name}"), bytes.clone())),
                _ => None,
            })
            .collect()
    }

    /// The bytes of `name`, made by `make` the first time only (concurrent callers
    /// wait for the first).
    fn get_or_make(
        &self,
        name: &str,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<Arc<Vec<u8>>, String> {
        let cell = {
            let mut made = self
                .made
                .lock()
                .map_err(|_| "lỗi nội bộ khi xử lý ảnh".to_string())?;
            made.entry(name.to_string()).or_default().clone()
        };
        cell.get_or_init(|| make().map(Arc::new)).clone()
    }
}

/// Zola's `ResizeOperation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Scale(u32, u32),
    FitWidth(u32),
    FitHeight(u32),
    Fit(u32, u32),
    Fill(u32, u32),
}

impl Op {
    fn parse(op: &str, width: Option<u32>, height: Option<u32>) -> Result<Op, String> {
        for v in [width, height].into_iter().flatten() {
            if v == 0 || v > MAX_SIDE {
                return Err(format!(
                    "kích thước {v} không hợp lệ; cách sửa: width và height từ 1 đến {MAX_SIDE}"
                ));
            }
        }
        let need = |what: &str| format!("op=\"{op}\" cần đối số {what}");
        Ok(match (op, width, height) {
            ("scale", Some(w), Some(h)) => Op::Scale(w, h),
            ("fit", Some(w), Some(h)) => Op::Fit(w, h),
            ("fill", Some(w), Some(h)) => Op::Fill(w, h),
            ("scale" | "fit" | "fill", _, _) => return Err(need("`width` và `height`")),
            ("fit_width", Some(w), _) => Op::FitWidth(w),
            ("fit_width", None, _) => return Err(need("`width`")),
            ("fit_height", _, Some(h)) => Op::FitHeight(h),
            ("fit_height", _, None) => return Err(need("`height`")),
            (other, _, _) => {
                return Err(format!(
                    "không biết phép \u{201c}{other}\u{201d}; cách sửa: op là một trong scale, fit_width, fit_height, fit, fill"
                ));
            }
        })
    }

    fn key(&self) -> String {
        format!("{self:?}")
    }

    /// The crop (x, y, w, h) and the final size for a `w`×`h` source, as Zola computes
    /// them; `None` for a size means "keep the image as it is".
    #[allow(clippy::type_complexity)]
    fn plan(self, w: u32, h: u32) -> (Option<(u32, u32, u32, u32)>, Option<(u32, u32)>) {
        let (w64, h64) = (u64::from(w.max(1)), u64::from(h.max(1)));
        let by_width = |tw: u32| (tw, (h64 * u64::from(tw) / w64) as u32);
        let by_height = |th: u32| ((w64 * u64::from(th) / h64) as u32, th);
        match self {
            Op::Scale(tw, th) => (None, Some((tw, th))),
            Op::FitWidth(tw) => (None, Some(by_width(tw))),
            Op::FitHeight(th) => (None, Some(by_height(th))),
            Op::Fit(tw, th) => {
                if w <= tw && h <= th {
                    (None, None)
                } else if w64 * u64::from(th) > h64 * u64::from(tw) {
                    (None, Some(by_width(tw)))
                } else {
                    (None, Some(by_height(th)))
                }
            }
            Op::Fill(tw, th) => {
                let fw = w as f32 / tw as f32;
                let fh = h as f32 / th as f32;
                if (fw - fh).abs() <= 0.1 {
                    return (None, Some((tw, th)));
                }
                let crop = if fw < fh {
                    let ch = (fw * th as f32).round() as u32;
                    (0, h.saturating_sub(ch) / 2, w, ch)
                } else {
                    let cw = (fh * tw as f32).round() as u32;
                    (w.saturating_sub(cw) / 2, 0, cw, h)
                };
                (Some(crop), Some((tw, th)))
            }
        }
    }
}

/// Output format: Zola's `Format` without AVIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    Jpeg(u8),
    Png,
    WebP,
}

impl Out {
    fn parse(format: &str, lossy_source: bool, quality: Option<u8>) -> Result<Out, String> {
        let f = match (format, lossy_source) {
            ("auto", true) => "jpg",
            ("auto", false) => "png",
            (f, _) => f,
        };
        match f {
            "jpg" | "jpeg" => match quality.unwrap_or(75) {
                q @ 1..=100 => Ok(Out::Jpeg(q)),
                q => Err(format!(
                    "quality={q} không hợp lệ cho JPEG; cách sửa: từ 1 đến 100"
                )),
            },
            "png" => Ok(Out::Png),
            "webp" => match quality {
                Some(q) if q > 100 => Err(format!(
                    "quality={q} không hợp lệ cho WebP; cách sửa: từ 0 đến 100"
                )),
                _ => Ok(Out::WebP),
            },
            other => Err(format!(
                "không biết định dạng \u{201c}{other}\u{201d}; cách sửa: format là auto, jpg, png hoặc webp"
            )),
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Out::Jpeg(_) => "jpg",
            Out::Png => "png",
            Out::WebP => "webp",
        }
    }
}

fn limits() -> image::Limits {
    // The sides are checked by `check_size` (with a clearer message) before any pixel
    // is decoded; the allocation cap stays as a second guard inside the decoders.
    let mut l = image::Limits::default();
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// What the header says: format, size after EXIF orientation, and the orientation.
struct Header {
    format: ImageFormat,
    width: u32,
    height: u32,
}

fn not_an_image(e: impl std::fmt::Display) -> String {
    format!("không đọc được ảnh ({e}); cách sửa: dùng tệp JPEG, PNG, WebP hoặc GIF còn nguyên vẹn")
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut r = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(not_an_image)?;
    r.limits(limits());
    if r.format().is_none() {
        return Err(not_an_image("không phải tệp ảnh"));
    }
    Ok(r)
}

fn check_size(w: u32, h: u32) -> Result<(), String> {
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "ảnh {w}×{h} điểm ảnh quá lớn (tối đa {MAX_PIXELS} điểm ảnh, {MAX_SIDE} mỗi cạnh), có thể là \u{201c}bom giải nén\u{201d}; cách sửa: thu nhỏ ảnh trước khi đưa lên"
        ));
    }
    Ok(())
}

fn header(bytes: &[u8]) -> Result<Header, String> {
    let r = reader(bytes)?;
    let format = r
        .format()
        .ok_or_else(|| not_an_image("không rõ định dạng"))?;
    let mut d = r.into_decoder().map_err(not_an_image)?;
    let (w, h) = d.dimensions();
    check_size(w, h)?;
    let o = d
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if rotates(o) { (h, w) } else { (w, h) };
    Ok(Header {
        format,
        width,
        height,
    })
}

fn rotates(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation as O;
    matches!(
        o,
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH
    )
}

/// Zola's `ImageMeta::is_lossy`.
fn is_lossy(f: ImageFormat) -> bool {
    use ImageFormat as F;
    !matches!(
        f,
        F::Png | F::Pnm | F::Tiff | F::Tga | F::Bmp | F::Ico | F::Hdr | F::Farbfeld
    )
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let r = reader(bytes)?;
    let mut d = r.into_decoder().map_err(not_an_image)?;
    let (w, h) = d.dimensions();
    check_size(w, h)?;
    let o = d
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(d).map_err(not_an_image)?;
    img.apply_orientation(o);
    Ok(img)
}

fn process(bytes: &[u8], op: Op, out: Out) -> Result<Vec<u8>, String> {
    let mut img = decode(bytes)?;
    let (crop, size) = op.plan(img.width(), img.height());
    if let Some((x, y, w, h)) = crop {
        img = img.crop_imm(x, y, w.max(1), h.max(1));
    }
    if let Some((w, h)) = size {
        img = img.resize_exact(w.max(1), h.max(1), image::imageops::FilterType::Lanczos3);
    }
    let mut buf = Cursor::new(Vec::new());
    let encoded = match out {
        Out::Jpeg(q) => {
            // JPEG has no alpha: flatten to RGB first.
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut buf, q,
            ))
        }
        Out::Png => img.write_with_encoder(image::codecs::png::PngEncoder::new(&mut buf)),
        Out::WebP => {
            let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
            rgba.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut buf))
        }
    };
    encoded.map_err(|e| format!("không ghi được ảnh kết quả: {e}"))?;
    Ok(buf.into_inner())
}

fn fail(func: &str, path: &str, msg: &str) -> tera::Error {
    tera::Error::message(format!("{func}(path=\u{201c}{path}\u{201d}): {msg}"))
}

/// Zola's `resize_image(path, width, height, op="fill", format="auto", quality)`.
pub fn resize_image(l: &Lookup, k: Kwargs) -> TeraResult<Value> {
    let path: String = k.must_get("path")?;
    let width: Option<u32> = k.get("width")?;
    let height: Option<u32> = k.get("height")?;
    let op: String = k.get("op")?.unwrap_or_else(|| "fill".to_string());
    let format: String = k.get("format")?.unwrap_or_else(|| "auto".to_string());
    let quality: Option<u8> = k.get("quality")?;
    // AVIF's `speed` is accepted and has no effect (no AVIF encoder here).
    let _speed: Option<u8> = k.get("speed")?;
    let f = "resize_image";
    let op = Op::parse(&op, width, height).map_err(|m| fail(f, &path, &m))?;
    let Some((found, unified)) = search_for_file(l, f, &path)? else {
        return Err(fail(
            f,
            &path,
            "không tìm thấy tệp; cách sửa: đường dẫn tính từ thư mục trang, static/ hoặc content/",
        ));
    };
    let bytes = found.bytes(&path)?;
    let head = header(&bytes).map_err(|m| fail(f, &path, &m))?;
    let out =
        Out::parse(&format, is_lossy(head.format), quality).map_err(|m| fail(f, &path, &m))?;

    let mut h = sha2::Sha256::new();
    h.update(&bytes[..]);
    h.update(op.key().as_bytes());
    h.update(format!("{out:?}").as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let stem = std::path::Path::new(&unified)
        .file_stem()
        .map_or_else(|| "anh".to_string(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}.{hex}.{}", out.ext());

    l.images
        .get_or_make(&name, || process(&bytes, op, out))
        .map_err(|m| fail(f, &path, &m))?;

    let (_, size) = op.plan(head.width, head.height);
    let (width, height) = size.unwrap_or((head.width, head.height));
    let url = format!("{}/{SUBDIR}/{name}", l.base_url.trim_end_matches('/'));
    Ok(Value::from_serializable(&serde_json::json!({
        "url": url,
        "static_path": format!("static/{SUBDIR}/{name}"),
        "width": width,
        "height": height,
        "orig_width": head.width,
        "orig_height": head.height,
    })))
}

/// Zola's `get_image_metadata(path, allow_missing=false)`: width, height, format, mime
/// (`description` and `created` from EXIF are always none here).
pub fn get_image_metadata(l: &Lookup, k: Kwargs) -> TeraResult<Value> {
    let path: String = k.must_get("path")?;
    let allow_missing: bool = k.get("allow_missing")?.unwrap_or(false);
    let f = "get_image_metadata";
    let Some((found, _)) = search_for_file(l, f, &path)? else {
        if allow_missing {
            return Ok(Value::none());
        }
        return Err(fail(
            f,
            &path,
            "không tìm thấy tệp; cách sửa: đường dẫn tính từ thư mục trang, static/ hoặc content/, hoặc thêm allow_missing=true",
        ));
    };
    let bytes = found.bytes(&path)?;
    let head = header(&bytes).map_err(|m| fail(f, &path, &m))?;
    Ok(Value::from_serializable(&serde_json::json!({
        "width": head.width,
        "height": head.height,
        "format": head.format.extensions_str().first().copied(),
        "mime": head.format.to_mime_type(),
        "description": null,
        "created": null,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut buf = Cursor::new(Vec::new());
        img.write_to(&mut buf, ImageFormat::Png).unwrap();
        buf.into_inner()
    }

    #[test]
    fn plans_as_zola() {
        assert_eq!(Op::FitWidth(100).plan(400, 300), (None, Some((100, 75))));
        assert_eq!(Op::FitHeight(150).plan(400, 300), (None, Some((200, 150))));
        assert_eq!(Op::Fit(1000, 1000).plan(400, 300), (None, None));
        assert_eq!(Op::Fit(200, 200).plan(400, 300), (None, Some((200, 150))));
        assert_eq!(
            Op::Fill(100, 100).plan(400, 300),
            (Some((50, 0, 300, 300)), Some((100, 100)))
        );
        assert_eq!(Op::Scale(10, 20).plan(400, 300), (None, Some((10, 20))));
    }

    #[test]
    fn resizing_is_deterministic() {
        let src = png(64, 48);
        let a = process(&src, Op::Fill(16, 16), Out::Jpeg(75)).unwrap();
        let b = process(&src, Op::Fill(16, 16), Out::Jpeg(75)).unwrap();
        assert_eq!(a, b);
        let img = image::load_from_memory(&a).unwrap();
        assert_eq!((img.width(), img.height()), (16, 16));
        let w = process(&src, Op::FitWidth(32), Out::WebP).unwrap();
        let img = image::load_from_memory(&w).unwrap();
        assert_eq!((img.width(), img.height()), (32, 24));
    }

    #[test]
    fn bombs_and_non_images_are_refused_before_decoding() {
        // A PNG header declaring 20000×20000 with almost no data.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20000u32.to_be_bytes());
        let e = header(&bomb).err().unwrap_or_default();
        assert!(e.contains("quá lớn") || e.contains("không đọc được"), "{e}");
        assert!(header(b"<html>not an image</html>").is_err());
        assert!(Op::parse("fill", Some(1_000_000), Some(10)).is_err());
        assert!(Op::parse("rotate", Some(10), Some(10)).is_err());
        assert!(Op::parse("fit_width", None, Some(10)).is_err());
    }
}
