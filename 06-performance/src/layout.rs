//! Data layouts that note 02 measures: array of structs against struct of arrays
//! (`benches/vector-iteration.rs`), and counters that share a cache line against counters
//! padded to one line each (`benches/false-sharing.rs`).
//!
//! The same particles are stored both ways. A pass that reads one field (the mass) streams
//! 4 useful bytes out of every 32-byte [`Particle`] in the array-of-structs form, and only
//! useful bytes in the struct-of-arrays form.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// One particle, stored whole: 32 bytes, of which a mass-only pass uses 4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Particle {
    /// Position in metres.
    pub position: [f32; 3],
    /// Velocity in metres per second.
    pub velocity: [f32; 3],
    /// Mass in kilograms.
    pub mass: f32,
    /// Charge in elementary charges.
    pub charge: f32,
}

/// The same particles, one vector per field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Particles {
    /// Positions, one per particle.
    pub position: Vec<[f32; 3]>,
    /// Velocities, one per particle.
    pub velocity: Vec<[f32; 3]>,
    /// Masses, one per particle.
    pub mass: Vec<f32>,
    /// Charges, one per particle.
    pub charge: Vec<f32>,
}

impl Particles {
    /// Converts an array of structs into a struct of arrays, keeping the order.
    pub fn from_structs(particles: &[Particle]) -> Self {
        Self {
            position: particles.iter().map(|p| p.position).collect(),
            velocity: particles.iter().map(|p| p.velocity).collect(),
            mass: particles.iter().map(|p| p.mass).collect(),
            charge: particles.iter().map(|p| p.charge).collect(),
        }
    }
}

/// Deterministic particles for benchmarks and tests (no randomness crate needed).
pub fn sample_particles(count: usize) -> Vec<Particle> {
    (0..count)
        .map(|i| {
            let f = i as f32;
            Particle {
                position: [f, f * 0.5, -f],
                velocity: [1.0, 0.0, -1.0],
                mass: (i % 7 + 1) as f32,
                charge: if i % 2 == 0 { 1.0 } else { -1.0 },
            }
        })
        .collect()
}

/// Total mass, reading whole 32-byte particles (array of structs).
#[inline(never)]
pub fn total_mass_structs(particles: &[Particle]) -> f32 {
    particles.iter().map(|p| p.mass).sum()
}

/// Total mass, reading only the mass vector (struct of arrays).
#[inline(never)]
pub fn total_mass_arrays(particles: &Particles) -> f32 {
    particles.mass.iter().sum()
}

/// A counter with nothing around it: eight of them fit in one 64-byte cache line.
#[derive(Debug, Default)]
pub struct PlainCounter {
    /// The count.
    pub value: AtomicU64,
}

/// A counter aligned (and therefore padded) to a 64-byte cache line of its own.
#[derive(Debug, Default)]
#[repr(align(64))]
pub struct PaddedCounter {
    /// The count.
    pub value: AtomicU64,
}

/// Runs one thread per counter, each adding 1 to its own counter `per_thread` times.
///
/// With [`PlainCounter`]s the threads write to the same cache line, which then bounces
/// between the cores (false sharing); with [`PaddedCounter`]s each writes its own line.
/// Returns the total.
pub fn count_in_parallel<C: Sync>(
    counters: &[C],
    value: fn(&C) -> &AtomicU64,
    per_thread: u64,
) -> u64 {
    thread::scope(|scope| {
        for counter in counters {
            scope.spawn(move || {
                let cell = value(counter);
                for _ in 0..per_thread {
                    cell.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counters
        .iter()
        .map(|counter| value(counter).load(Ordering::Relaxed))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particle_is_32_bytes() {
        assert_eq!(size_of::<Particle>(), 32);
    }

    #[test]
    fn sample_particles_have_the_promised_values() {
        let particles = sample_particles(4);
        assert_eq!(
            particles[3],
            Particle {
                position: [3.0, 1.5, -3.0],
                velocity: [1.0, 0.0, -1.0],
                mass: 4.0,
                charge: -1.0,
            }
        );
        assert_eq!(particles[2].charge, 1.0);
        assert_eq!(total_mass_structs(&sample_particles(14)), 2.0 * 28.0);
    }

    #[test]
    fn both_layouts_give_the_same_total_mass() {
        let structs = sample_particles(1000);
        let arrays = Particles::from_structs(&structs);
        assert_eq!(total_mass_structs(&structs), total_mass_arrays(&arrays));
        assert_eq!(arrays.mass.len(), 1000);
        assert_eq!(arrays.position[3], structs[3].position);
    }

    #[test]
    fn padded_counters_sit_on_separate_lines() {
        assert_eq!(align_of::<PaddedCounter>(), 64);
        assert_eq!(size_of::<[PlainCounter; 8]>(), 64);
        let plain: Vec<PlainCounter> = (0..2).map(|_| PlainCounter::default()).collect();
        let padded: Vec<PaddedCounter> = (0..2).map(|_| PaddedCounter::default()).collect();
        assert_eq!(count_in_parallel(&plain, |c| &c.value, 1000), 2000);
        assert_eq!(count_in_parallel(&padded, |c| &c.value, 1000), 2000);
    }
}
