//! Helpers for the suite's tests.

/// Pseudo-random numbers from a small linear congruential generator: the same cases on every
/// run, for tests that try many generated inputs.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Default for Lcg {
    fn default() -> Self {
        Lcg(0x5eed)
    }
}

impl Lcg {
    /// A number below `bound` (which must not be 0).
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % bound
    }
}
