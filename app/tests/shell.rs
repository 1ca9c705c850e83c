//! The shell in a real browser: it renders Chinese first, follows the
//! browser's online/offline events, and switches language with `<html lang>`.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn tick() {
    // Let effects, resources and event handlers run.
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                Duration::from_millis(30).as_millis() as i32,
            )
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// The app as a phone that has not joined sees it.
async fn mount() -> (
    web_sys::HtmlElement,
    leptos::mount::UnmountHandle<impl Mountable>,
) {
    let store = linli_app::store::Store::open("linli-shell-test")
        .await
        .expect("IndexedDB opens");
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let boot = linli_app::context::Boot::NotJoined(store);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <linli_app::app::App boot=boot.clone() /> }
    });
    (host, handle)
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> String {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

fn html_lang() -> String {
    document()
        .document_element()
        .unwrap()
        .get_attribute("lang")
        .unwrap_or_default()
}

fn set_locale_cookie(value: &str) {
    let doc: web_sys::HtmlDocument = document().unchecked_into();
    doc.set_cookie(&format!("i18n_pref_locale={value}; path=/"))
        .unwrap();
}

#[wasm_bindgen_test]
async fn renders_chinese_first() {
    set_locale_cookie("zh-CN");
    let (host, _handle) = mount().await;
    tick().await;
    assert_eq!(text_of(&host, "h1"), "欢迎使用邻里");
    assert_eq!(html_lang(), "zh-CN");
    host.remove();
}

#[wasm_bindgen_test]
async fn indicator_follows_online_and_offline_events() {
    set_locale_cookie("zh-CN");
    let (host, _handle) = mount().await;
    tick().await;
    let indicator = host.query_selector(".connection").unwrap().unwrap();
    let online = window().navigator().on_line();
    assert_eq!(
        indicator.get_attribute("data-online").as_deref(),
        Some(online.to_string().as_str())
    );

    window()
        .dispatch_event(&web_sys::Event::new("offline").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(
        indicator.get_attribute("data-online").as_deref(),
        Some("false")
    );
    assert!(text_of(&host, ".connection").contains("离线"));

    window()
        .dispatch_event(&web_sys::Event::new("online").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(
        indicator.get_attribute("data-online").as_deref(),
        Some("true")
    );
    assert!(text_of(&host, ".connection").contains("在线"));
    host.remove();
}

#[wasm_bindgen_test]
async fn language_switch_changes_text_and_html_lang() {
    set_locale_cookie("zh-CN");
    let (host, _handle) = mount().await;
    tick().await;
    let button: web_sys::HtmlElement = host
        .query_selector(".language-switch")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    tick().await;
    assert_eq!(text_of(&host, "h1"), "Welcome to Linli");
    assert_eq!(html_lang(), "en");

    button.click();
    tick().await;
    assert_eq!(text_of(&host, "h1"), "欢迎使用邻里");
    assert_eq!(html_lang(), "zh-CN");
    host.remove();
}

#[wasm_bindgen_test]
async fn a_phone_that_has_not_joined_is_not_warned_about_storage() {
    // Persistent storage is asked for once a phone has joined; before, it
    // holds nothing to lose, and the welcome screen says nothing of it.
    let (host, _handle) = mount().await;
    for _ in 0..10 {
        tick().await;
    }
    assert!(host.query_selector(".storage-status").unwrap().is_none());
    host.remove();
}
