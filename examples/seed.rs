//! The seed's `make` example, in Rust: two tracked tasks, t2 requiring
//! t1, made by making t2. Prints the six transition and output lines of
//! the seed, then the graph as DOT.

use std::cell::RefCell;
use std::rc::Rc;
use taskqueue_wasm::dot::{tasks_as_dot, DotOptions};
use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::MakeOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut local = SyncDriver::new();
    let out = Rc::clone(&lines);
    let t1 = local.task("t1", move || {
        out.borrow_mut().push("doing t1".to_string());
        Ok(())
    });
    local.track(t1, &lines)?;
    let out = Rc::clone(&lines);
    let t2 = local.then(t1, "t2", move || {
        out.borrow_mut().push("doing t2".to_string());
        Ok(())
    })?;
    local.track(t2, &lines)?;
    let made = local.make(&[t2], MakeOptions::default())?;
    for line in lines.borrow().iter() {
        println!("{line}");
    }
    let made: Vec<String> = made
        .iter()
        .map(|&t| local.graph.describe(t))
        .collect::<Result<_, _>>()?;
    println!("made: {}", made.join(", "));
    println!(
        "{}",
        tasks_as_dot(
            &local.graph,
            &[t1, t2],
            Some("seed"),
            &DotOptions::default()
        )?
    );
    Ok(())
}
