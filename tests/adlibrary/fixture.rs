//! A local site that behaves like the Ad Library page: cards with
//! `Library ID: N` text and generated class names, a sticky header, a cookie
//! banner, infinite scroll with a loading spinner and delayed batches; pages
//! can be switched to a challenge page or to "results but no cards".
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// One ad of the fixture.
#[derive(Debug, Clone, Serialize)]
pub struct FixtureAd {
    pub id: u64,
    pub started: String,
    pub text: String,
    /// Height of the creative in CSS pixels (some exceed the viewport).
    pub height: u32,
    pub color: String,
}

/// What the site serves; change it between captures.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: HashMap<String, (String, Vec<FixtureAd>)>,
    pub challenge: HashSet<String>,
    pub no_cards: HashSet<String>,
}

/// The running site.
#[derive(Clone)]
pub struct Fixture {
    pub addr: SocketAddr,
    pub content: Arc<Mutex<Content>>,
}

#[derive(Clone)]
struct AppState {
    content: Arc<Mutex<Content>>,
    delay: Duration,
}

impl Fixture {
    /// Serves the site on 127.0.0.1:0; batches arrive after `delay`.
    pub async fn start(delay: Duration) -> Fixture {
        let content = Arc::new(Mutex::new(Content::default()));
        let state = AppState {
            content: content.clone(),
            delay,
        };
        let app = Router::new()
            .route("/ads/library/", get(library))
            .route("/ads/library", get(library))
            .route("/api/ads", get(batch))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fixture");
        let addr = listener.local_addr().expect("fixture address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fixture server");
        });
        Fixture { addr, content }
    }

    /// `adlibrary.base_url` for this site.
    pub fn base_url(&self) -> String {
        format!("http://{}/ads/library/", self.addr)
    }

    /// Sets a page's ads: ids `first..first+count`.
    pub fn set_page(&self, page_id: &str, name: &str, ids: impl IntoIterator<Item = u64>) {
        let ads = ids.into_iter().map(ad).collect();
        self.content
            .lock()
            .unwrap()
            .pages
            .insert(page_id.into(), (name.into(), ads));
    }

    /// The ids currently served for a page.
    pub fn ids(&self, page_id: &str) -> Vec<u64> {
        let content = self.content.lock().unwrap();
        content
            .pages
            .get(page_id)
            .map(|(_, ads)| ads.iter().map(|a| a.id).collect())
            .unwrap_or_default()
    }
}

/// A deterministic ad for `id`: heights from 180 to 1,130 px.
pub fn ad(id: u64) -> FixtureAd {
    let colors = ["#e4572e", "#29335c", "#f3a712", "#a8c686", "#669bbc"];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"][(id % 6) as usize];
    FixtureAd {
        id,
        started: format!("{} {month} 2026", 1 + id % 27),
        text: if id % 2 == 0 {
            format!(
                "Spring sale: up to {}% off running shoes. Free delivery.",
                10 + id % 50
            )
        } else {
            format!(
                "Скидки до {}% на обувь — только до воскресенья!",
                10 + id % 50
            )
        },
        height: 180 + ((id * 137) % 951) as u32,
        color: colors[(id % 5) as usize].into(),
    }
}

async fn library(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let page = q.get("view_all_page_id").cloned().unwrap_or_default();
    let content = state.content.lock().unwrap();
    if content.challenge.contains(&page) {
        return Html(CHALLENGE.to_string());
    }
    let total = content.pages.get(&page).map_or(0, |(_, ads)| ads.len());
    if content.no_cards.contains(&page) {
        return Html(format!(
            "<!doctype html><html><body><div>~{} results</div></body></html>",
            total.max(25)
        ));
    }
    Html(
        PAGE.replace("__PAGE__", &page)
            .replace("__TOTAL__", &total.to_string()),
    )
}

async fn batch(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Vec<serde_json::Value>> {
    tokio::time::sleep(state.delay).await;
    let page = q.get("page").cloned().unwrap_or_default();
    let offset: usize = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let limit: usize = q.get("limit").and_then(|v| v.parse().ok()).unwrap_or(10);
    let content = state.content.lock().unwrap();
    let Some((name, ads)) = content.pages.get(&page) else {
        return Json(Vec::new());
    };
    Json(
        ads.iter()
            .skip(offset)
            .take(limit)
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap();
                v["page_name"] = name.clone().into();
                v
            })
            .collect(),
    )
}

const CHALLENGE: &str = r#"<!doctype html><html><head><title>Security Check</title></head>
<body><h1>Security Check</h1><p>Please confirm you're not a robot to continue.</p></body></html>"#;

const PAGE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ad Library</title>
<style>
body { margin: 0; font-family: sans-serif; background: #f0f2f5; }
.x1hdr { position: sticky; top: 0; height: 64px; background: #1877f2; color: #fff; z-index: 10;
         display: flex; align-items: center; padding: 0 16px; font-size: 22px; }
.x9ckb { position: fixed; bottom: 0; left: 0; right: 0; background: #fff; border-top: 2px solid #888;
         padding: 28px; z-index: 20; }
.xgrid { display: grid; grid-template-columns: repeat(2, 560px); gap: 16px; padding: 16px;
         justify-content: center; align-items: start; }
.xcard { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 12px; }
.xmeta { color: #65676b; font-size: 14px; margin: 2px 0; }
.xname { font-weight: bold; margin-top: 10px; }
.xbody { margin: 8px 0; }
.ximg { border-radius: 4px; color: #fff; font-size: 40px; display: flex; align-items: center; justify-content: center; }
</style></head><body>
<div class="x1hdr">Ad Library</div>
<div class="x78zum5"><div class="x6s0dn4" style="padding:16px">~__TOTAL__ results</div>
<div class="xgrid" id="grid"></div>
<div data-visualcompletion="loading-state" id="spin" style="display:none;padding:20px">Loading…</div></div>
<div class="x9ckb" id="cookie-banner">Allow the use of cookies from Facebook on this browser?
<button data-cookiebanner="accept_button" onclick="document.getElementById('cookie-banner').remove()">Allow all cookies</button></div>
<script>
const PAGE = "__PAGE__", BATCH = 10;
let offset = 0, loading = false, done = false;
function c() { return 'x' + Math.random().toString(36).slice(2, 9); }
function card(ad) {
  return `<div class="xcard ${c()}"><div class="${c()}"><div class="${c()}"><span class="xmeta">Active</span></div>
  <div class="${c()}"><span class="xmeta">Library ID: ${ad.id}</span></div>
  <div class="${c()}"><span class="xmeta">Started running on ${ad.started} · Total active time 3 hrs</span></div>
  <div class="${c()} xmeta">Platforms <span aria-label="Facebook">f</span> <span aria-label="Instagram">i</span></div></div>
  <div class="${c()}"><div class="xname">${ad.page_name}</div><div class="xmeta">Sponsored</div>
  <div class="xbody">${ad.text}</div>
  <div class="ximg" style="height:${ad.height}px;background:${ad.color}">${ad.id}</div></div></div>`;
}
async function more() {
  if (loading || done) return;
  loading = true;
  document.getElementById('spin').style.display = 'block';
  const r = await fetch(`/api/ads?page=${PAGE}&offset=${offset}&limit=${BATCH}`);
  const ads = await r.json();
  const grid = document.getElementById('grid');
  for (const ad of ads) grid.insertAdjacentHTML('beforeend', card(ad));
  offset += ads.length;
  if (ads.length < BATCH) done = true;
  document.getElementById('spin').style.display = 'none';
  loading = false;
}
window.addEventListener('scroll', () => {
  if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 600) more();
});
more();
</script></body></html>"#;
