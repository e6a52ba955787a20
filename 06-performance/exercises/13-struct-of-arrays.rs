//! # From an array of structs to a struct of arrays
//!
//! - **Goal:** store a particle system as one vector per field instead of one vector of particles, and rewrite its two passes (total live mass, one time step) over the new layout, with exactly the results of the old one.
//! - **Concepts:** array of structs (AoS) against struct of arrays (SoA); a pass that reads one field streams only that field's bytes; keeping parallel vectors the same length; `zip` over several columns instead of indices.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (section "Array of structs, struct of arrays").
//! - **Run:** `cargo run --bin m06-struct-of-arrays` in `learn/`, after `cargo course start 06.13`
//! - **Test:** `cargo course verify 06.13`
//! - **Done when:** the tests pass: the columns hold the same particles in the same order, and both passes agree with the array-of-structs versions. `cargo bench -p performance --bench vector-iteration -- total_mass` shows what the layout buys for a one-field pass.

/// One particle as the simulation stores it today: 24 bytes, of which the mass pass reads 5.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Particle {
    position: [f32; 2],
    velocity: [f32; 2],
    mass: f32,
    alive: bool,
}

/// The same particles, one vector per field. Invariant: all five vectors have the same length,
/// and index `i` of each describes particle `i`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Columns {
    position: Vec<[f32; 2]>,
    velocity: Vec<[f32; 2]>,
    mass: Vec<f32>,
    alive: Vec<bool>,
}

impl Columns {
    /// How many particles the columns hold.
    fn len(&self) -> usize {
        self.mass.len()
    }
}

/// Total mass of the live particles, array-of-structs version (the reference).
fn total_live_mass_structs(particles: &[Particle]) -> f32 {
    particles
        .iter()
        .filter(|particle| particle.alive)
        .map(|particle| particle.mass)
        .sum()
}

/// One time step, array-of-structs version (the reference): every live particle moves by
/// `velocity * dt`; dead particles stay where they are.
fn step_structs(particles: &mut [Particle], dt: f32) {
    for particle in particles.iter_mut().filter(|particle| particle.alive) {
        particle.position[0] += particle.velocity[0] * dt;
        particle.position[1] += particle.velocity[1] * dt;
    }
}

/// Splits `particles` into columns, keeping the order.
fn to_columns(particles: &[Particle]) -> Columns {
    // course:solution One pass per column (or one pass pushing into all four); the same order as the input.
    Columns {
        position: particles.iter().map(|particle| particle.position).collect(),
        velocity: particles.iter().map(|particle| particle.velocity).collect(),
        mass: particles.iter().map(|particle| particle.mass).collect(),
        alive: particles.iter().map(|particle| particle.alive).collect(),
    }
    // course:decoy swapped-columns Fills `position` from the velocities and `velocity` from the positions.
    // Columns {
    //     position: particles.iter().map(|particle| particle.velocity).collect(),
    //     velocity: particles.iter().map(|particle| particle.position).collect(),
    //     mass: particles.iter().map(|particle| particle.mass).collect(),
    //     alive: particles.iter().map(|particle| particle.alive).collect(),
    // }
    // course:decoy live-only Keeps only the live particles, so the columns no longer line up with the input.
    // let live: Vec<&Particle> = particles.iter().filter(|particle| particle.alive).collect();
    // Columns {
    //     position: live.iter().map(|particle| particle.position).collect(),
    //     velocity: live.iter().map(|particle| particle.velocity).collect(),
    //     mass: live.iter().map(|particle| particle.mass).collect(),
    //     alive: live.iter().map(|particle| particle.alive).collect(),
    // }
    // course:end
}

/// Total mass of the live particles, reading only the `mass` and `alive` columns.
fn total_live_mass(columns: &Columns) -> f32 {
    // course:solution Zip the two columns you need; add the masses whose `alive` is true.
    columns
        .mass
        .iter()
        .zip(&columns.alive)
        .filter(|(_, alive)| **alive)
        .map(|(mass, _)| mass)
        .sum()
    // course:decoy ignores-alive Sums every mass, dead particles included.
    // columns.mass.iter().sum()
    // course:end
}

/// One time step over the columns: the same rule as [`step_structs`].
fn step(columns: &mut Columns, dt: f32) {
    // course:solution Zip `position` (mutably) with `velocity` and `alive`; move only the live ones, both coordinates.
    for ((position, velocity), alive) in columns
        .position
        .iter_mut()
        .zip(&columns.velocity)
        .zip(&columns.alive)
    {
        if *alive {
            position[0] += velocity[0] * dt;
            position[1] += velocity[1] * dt;
        }
    }
    // course:decoy moves-the-dead Moves every particle, dead ones too.
    // for (position, velocity) in columns.position.iter_mut().zip(&columns.velocity) {
    //     position[0] += velocity[0] * dt;
    //     position[1] += velocity[1] * dt;
    // }
    // course:decoy x-only Moves live particles along x and forgets y.
    // for ((position, velocity), alive) in columns
    //     .position
    //     .iter_mut()
    //     .zip(&columns.velocity)
    //     .zip(&columns.alive)
    // {
    //     if *alive {
    //         position[0] += velocity[0] * dt;
    //     }
    // }
    // course:end
}

fn main() {
    let mut particles = vec![
        Particle {
            position: [0.0, 0.0],
            velocity: [1.0, 2.0],
            mass: 3.0,
            alive: true,
        },
        Particle {
            position: [5.0, 5.0],
            velocity: [-1.0, 0.5],
            mass: 10.0,
            alive: false,
        },
    ];
    let mut columns = to_columns(&particles);
    step_structs(&mut particles, 0.5);
    step(&mut columns, 0.5);
    println!(
        "{} particles; live mass {} (structs: {}); particle 0 at {:?} (structs: {:?})",
        columns.len(),
        total_live_mass(&columns),
        total_live_mass_structs(&particles),
        columns.position[0],
        particles[0].position
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic particles: every third one is dead.
    fn sample_particles(count: usize) -> Vec<Particle> {
        (0..count)
            .map(|i| {
                let f = i as f32;
                Particle {
                    position: [f, -f],
                    velocity: [1.0 + f * 0.5, 2.0 - f],
                    mass: (i % 5 + 1) as f32,
                    alive: i % 3 != 0,
                }
            })
            .collect()
    }

    #[test]
    fn columns_hold_every_particle_in_order() {
        let particles = sample_particles(7);
        let columns = to_columns(&particles);
        assert_eq!(columns.len(), 7);
        for (index, particle) in particles.iter().enumerate() {
            assert_eq!(
                columns.position[index], particle.position,
                "position {index}"
            );
            assert_eq!(
                columns.velocity[index], particle.velocity,
                "velocity {index}"
            );
            assert_eq!(columns.mass[index], particle.mass, "mass {index}");
            assert_eq!(columns.alive[index], particle.alive, "alive {index}");
        }
        assert_eq!(to_columns(&[]), Columns::default());
    }

    #[test]
    fn total_live_mass_matches_the_structs_version() {
        let particles = sample_particles(100);
        let columns = to_columns(&particles);
        assert_eq!(
            total_live_mass(&columns),
            total_live_mass_structs(&particles)
        );
        assert_eq!(total_live_mass(&Columns::default()), 0.0);
    }

    #[test]
    fn step_matches_the_structs_version() {
        let mut particles = sample_particles(50);
        let mut columns = to_columns(&particles);
        for _ in 0..3 {
            step_structs(&mut particles, 0.25);
            step(&mut columns, 0.25);
        }
        assert_eq!(columns, to_columns(&particles));
    }
}
