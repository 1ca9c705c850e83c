//! Charts the app draws itself as SVG: no chart library (every byte of the
//! bundle must earn its place), readable on a 360 px phone and on a laptop.
//! Each bar or column carries its numbers in text beside it and in its
//! accessible label, so nothing is read off the shape alone.

use leptos::prelude::*;

/// One part of a bar: its count and the CSS class that colours it.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub value: usize,
    pub class: &'static str,
}

/// One labelled bar: parts side by side, out of `total`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub total: usize,
    pub parts: Vec<Part>,
    /// The figures in words, beside the bar ("12/45").
    pub note: String,
}

/// Horizontal bars, one row each, scaled to their own total: a building
/// with 6 doors and one with 60 both show how far along they are.
#[component]
pub fn BarChart(
    bars: Signal<Vec<Bar>>,
    /// What the colours mean: (label, class).
    legend: Signal<Vec<(String, &'static str)>>,
    #[prop(into)] chart: String,
) -> impl IntoView {
    view! {
        <div class="chart" data-chart=chart>
            <ul class="chart-legend">
                {move || {
                    legend
                        .get()
                        .into_iter()
                        .map(|(label, class)| {
                            view! { <li><span class=format!("swatch {class}")></span>{label}</li> }
                        })
                        .collect_view()
                }}
            </ul>
            <For
                each=move || bars.get()
                key=|b| (b.key.clone(), b.total, b.parts.iter().map(|p| p.value).collect::<Vec<_>>())
                children=|b| {
                    let total = b.total.max(1) as f64;
                    let mut x = 0.0;
                    let rects = b
                        .parts
                        .iter()
                        .filter(|p| p.value > 0)
                        .map(|p| {
                            let w = p.value as f64 * 100.0 / total;
                            let r = view! {
                                <rect class=p.class x=format!("{x:.2}") y="0" width=format!("{w:.2}") height="10" />
                            };
                            x += w;
                            r
                        })
                        .collect_view();
                    view! {
                        <div class="bar-row" data-bar=b.key.clone()>
                            <span class="bar-label">{b.label.clone()}</span>
                            <svg
                                class="bar"
                                viewBox="0 0 100 10"
                                preserveAspectRatio="none"
                                role="img"
                                aria-label=format!("{} {}", b.label, b.note)
                            >
                                <rect class="bar-empty" x="0" y="0" width="100" height="10" />
                                {rects}
                            </svg>
                            <span class="bar-note">{b.note.clone()}</span>
                        </div>
                    }
                }
            />
        </div>
    }
}

/// One day of a trend: its label and up to two shares (0–1), or None when
/// there was nothing to do that day.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendDay {
    pub label: String,
    pub first: Option<f64>,
    pub second: Option<f64>,
}

const TREND_W: f64 = 300.0;
const TREND_H: f64 = 150.0;
const TREND_TOP: f64 = 12.0;
const TREND_BOTTOM: f64 = 24.0;
const TREND_LEFT: f64 = 34.0;

/// Paired columns per day against a 0–100 % axis: what share of each day's
/// work was done.
#[component]
pub fn TrendChart(
    days: Signal<Vec<TrendDay>>,
    /// Labels of the two series, coloured `series-1` and `series-2`.
    names: Signal<(String, String)>,
    #[prop(into)] chart: String,
    title: Signal<String>,
) -> impl IntoView {
    let plot = TREND_H - TREND_TOP - TREND_BOTTOM;
    let y = move |share: f64| TREND_TOP + plot * (1.0 - share.clamp(0.0, 1.0));
    let grid = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|s| {
            view! {
                <line class="grid" x1=TREND_LEFT x2=TREND_W y1=y(s) y2=y(s) />
                <text class="axis" x=TREND_LEFT - 4.0 y=y(s) + 3.5 text-anchor="end">
                    {format!("{}%", (s * 100.0) as i64)}
                </text>
            }
        })
        .collect_view();
    let columns = move || {
        let days = days.get();
        let n = days.len().max(1) as f64;
        let slot = (TREND_W - TREND_LEFT) / n;
        let w = (slot * 0.36).min(16.0);
        days.into_iter()
            .enumerate()
            .map(|(i, d)| {
                let cx = TREND_LEFT + slot * (i as f64 + 0.5);
                let column = |share: Option<f64>, x: f64, class: &'static str| {
                    share.map(|s| {
                        let top = y(s);
                        view! {
                            <rect class=class x=x y=top width=w height=(TREND_TOP + plot - top).max(0.5)>
                                <title>{format!("{} {}%", d.label, (s * 100.0).round())}</title>
                            </rect>
                        }
                    })
                };
                view! {
                    <g data-trend-day=d.label.clone()>
                        {column(d.first, cx - w - 1.0, "series-1")}
                        {column(d.second, cx + 1.0, "series-2")}
                        <text class="axis" x=cx y=TREND_H - 8.0 text-anchor="middle">{d.label.clone()}</text>
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <figure class="chart" data-chart=chart>
            <ul class="chart-legend">
                <li><span class="swatch series-1"></span>{move || names.get().0}</li>
                <li><span class="swatch series-2"></span>{move || names.get().1}</li>
            </ul>
            <svg
                class="trend"
                viewBox=format!("0 0 {TREND_W} {TREND_H}")
                role="img"
                aria-label=move || title.get()
            >
                {grid}
                {columns}
            </svg>
        </figure>
    }
}
