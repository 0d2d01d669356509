//! The wasm allocator: Rust's usual one (std's dlmalloc), made to grow
//! the wasm memory in large steps.
//!
//! Why: dlmalloc grows the memory by as little as it needs, often one
//! 64 KiB page at a time. In V8 every `memory.grow` re-creates the
//! memory's ArrayBuffer and counts it as new external memory, and above
//! about 100 MB each grow starts a full collection of the JS heap. A
//! million-task make grew the memory in thousands of small steps and spent
//! minutes in back-to-back collections that freed nothing.
//!
//! So when an allocation has grown the memory, we at once allocate and
//! free a block of half the memory's size. dlmalloc takes that block from
//! the top of its heap (growing the memory once, by that much) and, when
//! it is freed, merges it back into the top, where later allocations find
//! it. Grows become logarithmic in the memory size. Pages grown but not yet
//! written cost address space, not resident memory.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use std::alloc::System;

const PAGE: usize = 65536;
/// The most one step reserves ahead: 256 MiB.
const MAX_AHEAD: usize = 256 << 20;

struct GrowAhead;

#[global_allocator]
static ALLOCATOR: GrowAhead = GrowAhead;

impl GrowAhead {
    /// Called when an allocation grew the memory from `before` pages.
    unsafe fn grew(&self, before: usize) {
        let pages = wasm32::memory_size(0);
        if pages <= before {
            return;
        }
        let ahead = (pages * PAGE / 2).min(MAX_AHEAD);
        if let Ok(layout) = Layout::from_size_align(ahead, 16) {
            let block = system_alloc(layout);
            if !block.is_null() {
                System.dealloc(block, layout);
            }
        }
    }
}

/// One call site of dlmalloc's malloc: inlined at each caller, it would
/// add kilobytes of wasm per copy.
#[inline(never)]
unsafe fn system_alloc(layout: Layout) -> *mut u8 {
    System.alloc(layout)
}

// Every method of System, watching the memory size around those that may
// grow it. Not inlined, like std's own entry points: inlined, dlmalloc's
// free and malloc would be copied into every drop and push (+16 KB). (wasm32-unknown-unknown has one thread, like std's allocator
// assumes there.)
unsafe impl GlobalAlloc for GrowAhead {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = wasm32::memory_size(0);
        let block = system_alloc(layout);
        self.grew(before);
        block
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = wasm32::memory_size(0);
        let block = System.realloc(ptr, layout, new_size);
        self.grew(before);
        block
    }
}
