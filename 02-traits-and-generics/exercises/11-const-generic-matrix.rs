//! # Const generics: matrices whose shapes the compiler checks
//!
//! - **Goal:** a `Matrix<R, C>` whose number of rows and columns are part of its type, so that multiplying a 2×3 matrix by a 2×3 matrix does not compile, and the result of 2×3 times 3×4 is known to be 2×4 without a run-time check.
//! - **Concepts:** const generic parameters (`const R: usize`); arrays `[[i64; C]; R]`; a method with its own const parameter (`mul::<K>`); an `impl` block only for square matrices (`impl<const N: usize> Matrix<N, N>`); what stable const generics cannot express (`[T; N + 1]`).
//! - **Read first:** `notes/02-generics-and-monomorphization.md` (section "Const generics").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-const-generic-matrix` runs your copy (made by `cargo course start 02.11`).
//! - **Test:** `cargo course verify 02.11` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-const-generic-matrix`.)
//! - **Done when:** every test passes. The starting file does not compile (E0308) because `transpose` and `mul` have placeholder signatures: writing the shapes into them is the exercise.

/// An `R`×`C` matrix of integers, stored row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Matrix<const R: usize, const C: usize> {
    /// `cells[row][column]`.
    cells: [[i64; C]; R],
}

impl<const R: usize, const C: usize> Matrix<R, C> {
    /// A matrix with the given rows.
    fn from_rows(cells: [[i64; C]; R]) -> Self {
        Matrix { cells }
    }

    /// The all-zero matrix.
    fn zero() -> Self {
        Matrix { cells: [[0; C]; R] }
    }

    /// Rows become columns: a `C`×`R` matrix.
    // course:solution Write the signature (the result has the shape swapped) and the body.
    fn transpose(&self) -> Matrix<C, R> {
        let mut result = Matrix::<C, R>::zero();
        for (row, cells) in self.cells.iter().enumerate() {
            for (column, &value) in cells.iter().enumerate() {
                result.cells[column][row] = value;
            }
        }
        result
    }
    // course:stub
    // fn transpose(&self) -> Matrix<R, C> {
    //     todo!()
    // }
    // course:decoy rotate Rotates instead of transposing: the rows come out in reverse order.
    // fn transpose(&self) -> Matrix<C, R> {
    //     let mut result = Matrix::<C, R>::zero();
    //     for (row, cells) in self.cells.iter().enumerate() {
    //         for (column, &value) in cells.iter().enumerate() {
    //             result.cells[column][R - 1 - row] = value;
    //         }
    //     }
    //     result
    // }
    // course:end

    /// The matrix product `self × rhs`; `rhs` must have as many rows as `self` has columns.
    // course:solution Write the signature: a const parameter of the method for the result's columns.
    fn mul<const K: usize>(&self, rhs: &Matrix<C, K>) -> Matrix<R, K> {
        let mut result = Matrix::<R, K>::zero();
        for row in 0..R {
            for column in 0..K {
                result.cells[row][column] = (0..C)
                    .map(|inner| self.cells[row][inner] * rhs.cells[inner][column])
                    .sum();
            }
        }
        result
    }
    // course:stub
    // fn mul(&self, rhs: &Matrix<R, C>) -> Matrix<R, C> {
    //     todo!()
    // }
    // course:decoy row-times-row Multiplies rows of `self` by rows of `rhs`, as if `rhs` were already transposed.
    // fn mul<const K: usize>(&self, rhs: &Matrix<C, K>) -> Matrix<R, K> {
    //     let mut result = Matrix::<R, K>::zero();
    //     for row in 0..R {
    //         for column in 0..K {
    //             result.cells[row][column] = (0..C)
    //                 .map(|inner| self.cells[row][inner] * rhs.cells[column % C][inner % K])
    //                 .sum();
    //         }
    //     }
    //     result
    // }
    // course:end
}

impl<const N: usize> Matrix<N, N> {
    /// The identity: ones on the diagonal. Only square matrices have one.
    fn identity() -> Self {
        // course:solution Start from zero and set the diagonal.
        let mut result = Self::zero();
        for index in 0..N {
            result.cells[index][index] = 1;
        }
        result
        // course:decoy all-ones Fills every cell with one.
        // Matrix { cells: [[1; N]; N] }
        // course:end
    }

    /// The sum of the diagonal.
    fn trace(&self) -> i64 {
        // course:solution Add up `cells[i][i]`.
        (0..N).map(|index| self.cells[index][index]).sum()
        // course:decoy first-row Adds up the first row instead of the diagonal.
        // self.cells.first().map_or(0, |row| row.iter().sum())
        // course:end
    }
}

fn main() {
    let a = Matrix::from_rows([[1, 2, 3], [4, 5, 6]]);
    let b = Matrix::from_rows([[7, 8], [9, 10], [11, 12]]);
    let product = a.mul(&b);
    println!("{a:?}\n × {b:?}\n = {product:?}");
    println!("transposed: {:?}", a.transpose());
    let gram: Matrix<2, 2> = a.mul(&a.transpose());
    println!("A × Aᵀ = {gram:?}, trace {}", gram.trace());
    assert_eq!(gram.mul(&Matrix::identity()), gram);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let wide = Matrix::from_rows([[1, 2, 3], [4, 5, 6]]);
        let tall: Matrix<3, 2> = wide.transpose();
        assert_eq!(tall, Matrix::from_rows([[1, 4], [2, 5], [3, 6]]));
        assert_eq!(tall.transpose(), wide);
    }

    #[test]
    fn product_has_the_outer_dimensions() {
        let a = Matrix::from_rows([[1, 2, 3], [4, 5, 6]]);
        let b = Matrix::from_rows([[7, 8, 9, 10], [11, 12, 13, 14], [15, 16, 17, 18]]);
        let product: Matrix<2, 4> = a.mul(&b);
        assert_eq!(
            product,
            Matrix::from_rows([[74, 80, 86, 92], [173, 188, 203, 218]])
        );
    }

    #[test]
    fn square_products_are_not_commutative() {
        let a = Matrix::from_rows([[1, 2], [3, 4]]);
        let b = Matrix::from_rows([[0, 1], [1, 0]]);
        assert_eq!(a.mul(&b), Matrix::from_rows([[2, 1], [4, 3]]));
        assert_eq!(b.mul(&a), Matrix::from_rows([[3, 4], [1, 2]]));
    }

    #[test]
    fn identity_is_neutral() {
        let a = Matrix::from_rows([[2, -1, 0], [5, 3, 7], [1, 1, 1]]);
        let id = Matrix::<3, 3>::identity();
        assert_eq!(a.mul(&id), a);
        assert_eq!(id.mul(&a), a);
        assert_eq!(id.trace(), 3);
    }

    #[test]
    fn trace_adds_the_diagonal() {
        let a = Matrix::from_rows([[2, 9, 9], [9, 3, 9], [9, 9, 4]]);
        assert_eq!(a.trace(), 9);
        assert_eq!(Matrix::<1, 1>::from_rows([[-5]]).trace(), -5);
    }

    #[test]
    fn a_row_times_a_column_is_one_by_one() {
        let row = Matrix::from_rows([[1, 2, 3]]);
        let column: Matrix<3, 1> = row.transpose();
        let dot: Matrix<1, 1> = row.mul(&column);
        assert_eq!(dot.cells, [[14]]);
    }
}
