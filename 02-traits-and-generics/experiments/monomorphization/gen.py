#!/usr/bin/env python3
"""Writes main.rs for the monomorphization experiment of note 02.

Usage: gen.py generic|dyn N
N key types K0..K(N-1); `generic` sorts a Vec of each type with one generic function
(instantiated N times), `dyn` sorts Vecs of `&dyn Keyed` with one non-generic function.
"""
import pathlib
import sys

mode, n = sys.argv[1], int(sys.argv[2])
out = ["//! Monomorphization experiment: generic vs dyn, N key types.", "use std::hint::black_box;"]
for i in range(n):
    out.append(f"#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)] struct K{i}(u32);")
    out.append(f"impl Keyed for K{i} {{ fn key(&self) -> u32 {{ self.0 ^ {i} }} }}")
out.append("trait Keyed { fn key(&self) -> u32; }")
out.append("""
fn work<T: Keyed + Ord + Copy>(items: &mut Vec<T>) -> u64 {
    items.sort();
    items.dedup();
    items.iter().map(|x| u64::from(x.key())).sum()
}
fn work_dyn(items: &mut Vec<&dyn Keyed>) -> u64 {
    items.sort_by_key(|x| x.key());
    items.dedup_by_key(|x| x.key());
    items.iter().map(|x| u64::from(x.key())).sum()
}""")
out.append("fn main() {\n    let seed: u32 = black_box(7);\n    let mut total = 0u64;")
for i in range(n):
    if mode == "generic":
        out.append(f"    let mut v{i}: Vec<K{i}> = (0..100).map(|j| K{i}(j * seed % 97)).collect();")
        out.append(f"    total += work(&mut v{i});")
    else:
        out.append(f"    let o{i}: Vec<K{i}> = (0..100).map(|j| K{i}(j * seed % 97)).collect();")
        out.append(f"    let mut v{i}: Vec<&dyn Keyed> = o{i}.iter().map(|x| x as &dyn Keyed).collect();")
        out.append(f"    total += work_dyn(&mut v{i});")
out.append('    println!("{total}");\n}')
pathlib.Path("main.rs").write_text("\n".join(out) + "\n")
