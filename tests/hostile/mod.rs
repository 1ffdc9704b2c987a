//! Hostile input: named attacks with exact outcomes, and a mutation suite
//! that damages signed files of every format and replays every fuzzer
//! finding. Both measure the heap a verification takes with a counting
//! allocator, which is this test binary's allocator.

mod attacks;
mod mutation;
pub(crate) mod support;

#[global_allocator]
static HEAP: support::CountingAllocator = support::CountingAllocator;
