//! `trans(key, lang)`: Zola's translation function over the site's strings.
//!
//! The default language's strings are the theme's `[translations]` (the congkhai theme
//! ships its Vietnamese UI strings in `theme.toml`) with config.toml's `[translations]`
//! over them; another language's are its `[languages.xx.translations]` table. A key a
//! language lacks is an error naming the key and the language, as in Zola: a page is
//! never published half in one language, half in another.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The default theme's `theme.toml`, embedded as its templates are.
const DEFAULT_THEME_TOML: &str = include_str!("../../themes/congkhai/theme.toml");

/// Every language's strings: language code → key → text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Translations {
    pub default_language: String,
    pub by_lang: BTreeMap<String, BTreeMap<String, String>>,
}

impl Translations {
    /// The site's strings: the theme's (from `themes/<theme>/theme.toml`, or the
    /// embedded default theme's) under config.toml's.
    pub fn load(root: &Path, config: &Config) -> Result<Translations, Diagnostics> {
        let theme = match &config.theme {
            Some(name) => {
                let file = root.join("themes").join(name).join("theme.toml");
                match std::fs::read_to_string(&file) {
                    Ok(s) => Some((s, format!("themes/{name}/theme.toml"))),
                    Err(_) if name == "congkhai" => Some((
                        DEFAULT_THEME_TOML.to_string(),
                        "themes/congkhai/theme.toml".to_string(),
                    )),
                    Err(_) => None,
                }
            }
            None => None,
        };
        let theme_strings = match theme {
            Some((raw, shown)) => theme_translations(&raw, &shown)?,
            None => BTreeMap::new(),
        };
        Ok(Self::from_parts(theme_strings, config))
    }

    fn from_parts(theme: BTreeMap<String, String>, config: &Config) -> Translations {
        let mut default = theme;
        default.extend(config.translations.clone());
        let mut by_lang = BTreeMap::new();
        by_lang.insert(config.default_language.clone(), default);
        for (code, l) in &config.languages {
            by_lang.insert(code.clone(), l.translations.clone());
        }
        Translations {
            default_language: config.default_language.clone(),
            by_lang,
        }
    }

    /// The text of `key` in `lang`, or the Vietnamese message saying what is missing.
    pub fn get(&self, key: &str, lang: &str) -> Result<&str, String> {
        let Some(strings) = self.by_lang.get(lang) else {
            return Err(format!(
                "trans: ngôn ngữ \u{201c}{lang}\u{201d} không có trong config.toml (khóa \u{201c}{key}\u{201d}); \
                 thêm bảng [languages.{lang}] hoặc sửa lang trong mẫu"
            ));
        };
        strings.get(key).map(String::as_str).ok_or_else(|| {
            let table = if lang == self.default_language {
                "[translations]".to_string()
            } else {
                format!("[languages.{lang}.translations]")
            };
            format!(
                "trans: chưa có bản dịch của khóa \u{201c}{key}\u{201d} cho ngôn ngữ \u{201c}{lang}\u{201d}; \
                 thêm dòng {key} = \"…\" vào bảng {table} trong config.toml (bảng đầy đủ để chép: docs/languages.md)"
            )
        })
    }
}

/// `[translations]` of a theme's `theme.toml`: text values only, NFC.
fn theme_translations(raw: &str, shown: &str) -> Result<BTreeMap<String, String>, Diagnostics> {
    let table: toml::Table = raw.parse().map_err(|e: toml::de::Error| {
        Diagnostics::from(crate::config::toml_error(Path::new(shown), raw, &e, 0))
    })?;
    let mut out = BTreeMap::new();
    if let Some(t) = table.get("translations").and_then(toml::Value::as_table) {
        for (k, v) in t {
            let Some(s) = v.as_str() else {
                return Err(Diagnostic::error(format!(
                    "[translations] của giao diện: giá trị của \u{201c}{k}\u{201d} phải là chữ"
                ))
                .in_file(shown)
                .hint(format!("viết {k} = \"…\""))
                .into());
            };
            out.insert(k.clone(), crate::text::nfc(s));
        }
    }
    Ok(out)
}

/// Register `trans` on `tera`. `lang` defaults to the template's `lang` variable (the
/// page's language), then to the site's default language. (A site's build registers it
/// again through `templates::functions`, which records each call for the page cache.)
pub fn register(tera: &mut Tera, translations: Translations) {
    let t = Arc::new(translations);
    tera.register_function(
        "trans",
        move |k: Kwargs, state: &State| -> tera::TeraResult<String> {
            let lang = state.get::<String>("lang")?;
            call(&t, &k, lang.as_deref())
        },
    );
}

/// `trans(key, lang)` with `state_lang` the template's `lang`.
pub fn call(t: &Translations, k: &Kwargs, state_lang: Option<&str>) -> tera::TeraResult<String> {
    let key: &str = k.must_get("key")?;
    let lang: String = match k.get::<&str>("lang")? {
        Some(l) => l.to_string(),
        None => state_lang.map_or_else(|| t.default_language.clone(), str::to_string),
    };
    t.get(key, &lang)
        .map(str::to_string)
        .map_err(tera::Error::message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(raw: &str) -> Config {
        Config::parse(raw)
            .map(|(c, _)| c)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn render(t: Translations, src: &str, lang: Option<&str>) -> Result<String, String> {
        let mut tera = Tera::new();
        register(&mut tera, t);
        tera.add_raw_template("t", src).map_err(|e| e.to_string())?;
        let mut c = tera::Context::new();
        if let Some(l) = lang {
            c.insert("lang", l);
        }
        tera.render("t", &c).map_err(|e| {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(x) = src {
                s.push_str(&format!(": {x}"));
                src = x.source();
            }
            s
        })
    }

    #[test]
    fn site_strings_override_the_theme_and_languages_have_their_own() {
        let cfg = config(
            "base_url = \"x\"\n[translations]\nsearch = \"Tra cứu\"\n[languages.en.translations]\nsearch = \"Search\"\n",
        );
        let theme: BTreeMap<String, String> = [("search", "Tìm kiếm"), ("home", "Trang chủ")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let t = Translations::from_parts(theme, &cfg);
        assert_eq!(t.get("search", "vi"), Ok("Tra cứu"));
        assert_eq!(t.get("home", "vi"), Ok("Trang chủ"));
        assert_eq!(t.get("search", "en"), Ok("Search"));
        let e = t.get("home", "en").unwrap_err();
        assert!(
            e.contains("\u{201c}home\u{201d}") && e.contains("\u{201c}en\u{201d}"),
            "{e}"
        );
        assert!(e.contains("[languages.en.translations]"), "{e}");
        assert!(t.get("home", "fr").is_err_and(|e| e.contains("fr")));

        assert_eq!(
            render(t.clone(), "{{ trans(key='search') }}", None).as_deref(),
            Ok("Tra cứu")
        );
        assert_eq!(
            render(t.clone(), "{{ trans(key='search') }}", Some("en")).as_deref(),
            Ok("Search")
        );
        assert_eq!(
            render(
                t.clone(),
                "{{ trans(key='search', lang='vi') }}",
                Some("en")
            )
            .as_deref(),
            Ok("Tra cứu")
        );
        let e = render(t, "{{ trans(key='home') }}", Some("en")).unwrap_err();
        assert!(
            e.contains("home") && e.contains("[languages.en.translations]"),
            "{e}"
        );
    }

    #[test]
    fn the_default_theme_ships_its_strings() {
        let t = theme_translations(DEFAULT_THEME_TOML, "theme.toml").expect("theme.toml");
        assert!(t.len() > 20, "{}", t.len());
        assert!(t.values().all(|v| crate::text::nfc(v) == *v));
    }
}
