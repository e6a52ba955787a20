//! # An arena graph: indices instead of pointers, and a typed `Id<T>`
//!
//! - **Goal:** store a road map (cities joined by two-way roads, with cycles) in two `Vec`s, linked by typed indices, and search it; then choose the `PhantomData` marker that makes `Id<City>` and `Id<Road>` different types without making an id own what it points to.
//! - **Concepts:** an arena owns every node, links are indices; graphs with cycles without `Rc` or `RefCell`; `PhantomData<fn() -> T>` for a type that names `T` but owns none (variance, `Send`/`Sync`, `Copy`); breadth-first search with a visited set.
//! - **Read first:** `notes/01-ownership-model.md` (section "Arenas and indices: the idiomatic graph") and `notes/04-move-semantics.md` (section "Drop check, and `PhantomData` for your own types").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-arena-graph` runs your copy (made by `cargo course start 01.21`).
//! - **Test:** `cargo course verify 01.21` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-arena-graph`.)
//! - **Done when:** it compiles and every test passes. The starting file does not compile (E0277): `Id<T>` has the wrong `PhantomData` for a type that owns no `T`, and choosing the right one is part of the exercise (a test needs `Id<T>` to be `Copy`, `Send` and `Sync` whatever `T` is).

use std::collections::VecDeque;
use std::marker::PhantomData;

// course:solution
/// A typed index into an arena of `T`s. It names `T` but owns none, so it is `Copy`, `Send` and
/// `Sync` whatever `T` is: `PhantomData<fn() -> T>` says "produces `T`s" without owning one.
struct Id<T> {
    /// The position in the arena.
    index: usize,
    /// Makes `Id<City>` and `Id<Road>` different types.
    _marker: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The id of position `index`.
    fn new(index: usize) -> Self {
        Id {
            index,
            _marker: PhantomData,
        }
    }
}
// course:stub
// /// A typed index into an arena of `T`s.
// /// TODO: this marker says "an `Id<T>` owns a `T`", so an `Id<Rc<u8>>` is neither `Send` nor
// /// `Sync` (a test does not compile: E0277). An id owns nothing; pick the marker that says
// /// so (see the table in note 04).
// struct Id<T> {
//     /// The position in the arena.
//     index: usize,
//     /// Makes `Id<City>` and `Id<Road>` different types.
//     _marker: PhantomData<T>,
// }
//
// impl<T> Id<T> {
//     /// The id of position `index`.
//     fn new(index: usize) -> Self {
//         Id {
//             index,
//             _marker: PhantomData,
//         }
//     }
// }
// course:end

impl<T> Id<T> {
    /// The position in the arena.
    fn index(self) -> usize {
        self.index
    }
}

// Written by hand: `#[derive(Clone, Copy)]` would add the bounds `T: Clone` and `T: Copy`.
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl<T> std::fmt::Debug for Id<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Id({})", self.index)
    }
}

/// A city on the map.
#[derive(Debug)]
struct City {
    /// Its name.
    name: String,
}

/// A two-way road between two cities.
#[derive(Debug)]
struct Road {
    /// One end.
    from: Id<City>,
    /// The other end.
    to: Id<City>,
    /// Its length.
    km: u32,
}

/// Cities and roads, each in its own arena; the roads refer to cities by `Id`.
#[derive(Debug, Default)]
struct Map {
    /// Every city, in the order it was added; an `Id<City>` is a position here.
    cities: Vec<City>,
    /// Every road, in the order it was added.
    roads: Vec<Road>,
}

impl Map {
    /// Adds a city and returns its id.
    fn add_city(&mut self, name: &str) -> Id<City> {
        // course:solution The new city's index is the length of the arena before the push.
        let id = Id::new(self.cities.len());
        self.cities.push(City {
            name: name.to_string(),
        });
        id
        // course:decoy off-by-one Pushes first, then hands out the new length as the index.
        // self.cities.push(City {
        //     name: name.to_string(),
        // });
        // Id::new(self.cities.len())
        // course:end
    }

    /// Adds a two-way road and returns its id.
    fn add_road(&mut self, from: Id<City>, to: Id<City>, km: u32) -> Id<Road> {
        // course:solution
        self.roads.push(Road { from, to, km });
        Id::new(self.roads.len() - 1)
        // course:decoy forgets-the-road Hands out an id without storing the road.
        // let _ = (from, to, km);
        // Id::new(self.roads.len())
        // course:end
    }

    /// The city an id refers to.
    fn city(&self, id: Id<City>) -> &City {
        &self.cities[id.index]
    }

    /// Every city one road away from `id`, with the road's length, in the order the roads were added.
    fn neighbours(&self, id: Id<City>) -> Vec<(Id<City>, u32)> {
        // course:solution A road counts from either end.
        self.roads
            .iter()
            .filter_map(|road| {
                if road.from == id {
                    Some((road.to, road.km))
                } else if road.to == id {
                    Some((road.from, road.km))
                } else {
                    None
                }
            })
            .collect()
        // course:decoy one-way Follows roads only from their `from` end.
        // self.roads
        //     .iter()
        //     .filter(|road| road.from == id)
        //     .map(|road| (road.to, road.km))
        //     .collect()
        // course:end
    }

    /// Every city reachable from `start` (itself included), in breadth-first order: `start`,
    /// then its neighbours in `neighbours` order, then theirs, each city once.
    fn reachable(&self, start: Id<City>) -> Vec<Id<City>> {
        // course:solution Keep a `visited` flag per city (indexed like the arena) and a queue.
        let mut visited = vec![false; self.cities.len()];
        let mut order = Vec::new();
        let mut queue = VecDeque::from([start]);
        visited[start.index()] = true;
        while let Some(city) = queue.pop_front() {
            order.push(city);
            for (next, _) in self.neighbours(city) {
                if !visited[next.index()] {
                    visited[next.index()] = true;
                    queue.push_back(next);
                }
            }
        }
        order
        // course:decoy depth-first Uses a stack instead of a queue, so the order is depth-first.
        // let mut visited = vec![false; self.cities.len()];
        // let mut order = Vec::new();
        // let mut stack = vec![start];
        // while let Some(city) = stack.pop() {
        //     if visited[city.index()] {
        //         continue;
        //     }
        //     visited[city.index()] = true;
        //     order.push(city);
        //     for (next, _) in self.neighbours(city).into_iter().rev() {
        //         stack.push(next);
        //     }
        // }
        // order
        // course:decoy forgets-the-start Lists the cities reached, but not the start itself.
        // let mut visited = vec![false; self.cities.len()];
        // let mut order = Vec::new();
        // let mut queue = VecDeque::from([start]);
        // visited[start.index()] = true;
        // while let Some(city) = queue.pop_front() {
        //     if city != start {
        //         order.push(city);
        //     }
        //     for (next, _) in self.neighbours(city) {
        //         if !visited[next.index()] {
        //             visited[next.index()] = true;
        //             queue.push_back(next);
        //         }
        //     }
        // }
        // order
        // course:end
    }
}

fn main() {
    let mut map = Map::default();
    let paris = map.add_city("Paris");
    let lyon = map.add_city("Lyon");
    let nice = map.add_city("Nice");
    let brest = map.add_city("Brest");
    map.add_road(paris, lyon, 465);
    map.add_road(lyon, nice, 470);
    map.add_road(nice, paris, 930);
    let names: Vec<&str> = map
        .reachable(paris)
        .into_iter()
        .map(|id| map.city(id).name.as_str())
        .collect();
    println!(
        "from Paris: {names:?}; Brest is alone: {:?}",
        map.reachable(brest)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// Roads a-b, a-c, b-d and d-a (a-b-d is a cycle), and e on its own.
    fn sample() -> (Map, [Id<City>; 5]) {
        let mut map = Map::default();
        let ids = ["a", "b", "c", "d", "e"].map(|name| map.add_city(name));
        let [a, b, c, d, _] = ids;
        map.add_road(a, b, 1);
        map.add_road(a, c, 2);
        map.add_road(b, d, 3);
        map.add_road(d, a, 4);
        (map, ids)
    }

    #[test]
    fn ids_refer_to_the_cities_they_were_given_for() {
        let (map, ids) = sample();
        let names: Vec<&str> = ids.iter().map(|&id| map.city(id).name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(ids[3].index(), 3);
        assert_eq!(format!("{:?}", ids[3]), "Id(3)");
    }

    #[test]
    fn roads_get_their_own_ids() {
        let mut map = Map::default();
        let (x, y) = (map.add_city("x"), map.add_city("y"));
        let first: Id<Road> = map.add_road(x, y, 5);
        let second = map.add_road(y, x, 6);
        assert_eq!((first.index(), second.index()), (0, 1));
        assert_eq!(map.roads[second.index()].km, 6);
    }

    #[test]
    fn roads_go_both_ways() {
        let (map, [a, b, c, d, e]) = sample();
        assert_eq!(map.neighbours(a), [(b, 1), (c, 2), (d, 4)]);
        assert_eq!(map.neighbours(d), [(b, 3), (a, 4)]);
        assert_eq!(map.neighbours(c), [(a, 2)]);
        assert_eq!(map.neighbours(e), []);
    }

    #[test]
    fn reachable_is_breadth_first_and_survives_cycles() {
        let (map, [a, b, c, d, e]) = sample();
        // Breadth first: every neighbour of `a` before any neighbour of a neighbour.
        assert_eq!(map.reachable(a), [a, b, c, d]);
        assert_eq!(map.reachable(c), [c, a, b, d]);
        assert_eq!(map.reachable(e), [e]);
    }

    /// Compiles only if `T` is `Copy`, `Send` and `Sync`.
    fn plain_data<T: Copy + Send + Sync>(_: T) {}

    #[test]
    fn an_id_is_plain_data_whatever_it_points_to() {
        // `Rc` is neither `Send` nor `Sync`, and not `Copy`: the id must not inherit that.
        let id: Id<Rc<u8>> = Id::new(7);
        plain_data(id);
        assert_eq!(
            std::mem::size_of::<Id<City>>(),
            std::mem::size_of::<usize>()
        );
    }

    /// Compiles only if `Id<T>` is covariant in `T`, like the `T`s it stands for.
    fn shorten<'a>(id: Id<&'static str>) -> Id<&'a str> {
        id
    }

    #[test]
    fn an_id_is_covariant_like_a_reference() {
        let id: Id<&'static str> = Id::new(2);
        assert_eq!(shorten(id).index(), 2);
    }
}
