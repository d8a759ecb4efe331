//! How fast the directive reader is: the real Quảng Ngãi summary (when `../shared` is
//! here) or our own sample, and a text near the 1 MiB limit, against the demo unit tree.
//! Prints milliseconds; asserts nothing.

// Tests and benchmarks stop at the first failure, and an unwrap says where: the lint
// that keeps unwraps out of the app and the server does not apply here.
#![allow(clippy::unwrap_used)]

use chidao_core::import::{extract, MAX_TEXT_BYTES};
use chidao_server::demo::DemoSet;
use std::time::Instant;

fn time_ms(runs: u32, mut work: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..runs {
        work();
    }
    start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs)
}

fn main() {
    let units = DemoSet::build().expect("the demo unit tree").units;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (name, text) = match std::fs::read_to_string(root.join("../../shared/fixtures/directives/quangngai-2022-08-05.txt")) {
        Ok(text) => ("Quảng Ngãi summary of 5/8/2022", text),
        Err(_) => (
            "own sample",
            std::fs::read_to_string(root.join("../core/tests/directives/tinh-mau-2024-03-12.txt")).expect("the repo's own sample"),
        ),
    };
    let per_summary = time_ms(50, || {
        extract(&text, &units).expect("reads");
    });
    println!("{name}: {} bytes read in {per_summary:.2} ms", text.len());

    let paragraph = "Giao Sở Y tế chủ trì, phối hợp với Công an tỉnh và UBND các huyện, thị xã, thành phố rà soát, báo cáo trước ngày 15/8/2022 theo Kế hoạch số 21/KH-UBND.\n";
    let mut big = String::new();
    while big.len() + paragraph.len() <= MAX_TEXT_BYTES {
        big.push_str(paragraph);
    }
    let per_big = time_ms(3, || {
        extract(&big, &units).expect("reads");
    });
    println!("text near the limit: {} bytes, {} sentences, read in {per_big:.0} ms", big.len(), big.lines().count());
}
