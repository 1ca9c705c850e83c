//! A cursor over untrusted bytes: every read checks what is left first and
//! fails rather than panicking or allocating what the bytes merely claim.

use super::Damage;

#[derive(Clone, Copy)]
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(super) fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    pub(super) fn byte(&mut self) -> Result<u8, Damage> {
        let (&b, rest) = self.bytes.split_first().ok_or(Damage::Truncated)?;
        self.bytes = rest;
        Ok(b)
    }

    pub(super) fn take(&mut self, n: u64) -> Result<&'a [u8], Damage> {
        let n = usize::try_from(n).map_err(|_| Damage::Truncated)?;
        if n > self.bytes.len() {
            return Err(Damage::Truncated);
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(taken)
    }

    /// An unsigned LEB128 number, at most 64 bits, in its shortest form (as
    /// Automerge insists).
    pub(super) fn uleb(&mut self) -> Result<u64, Damage> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            if i == 9 && bits > 1 {
                return Err(Damage::Number);
            }
            value |= bits << (7 * i);
            if byte & 0x80 == 0 {
                if i > 0 && byte == 0 {
                    return Err(Damage::Number);
                }
                return Ok(value);
            }
        }
        Err(Damage::Number)
    }

    /// A signed LEB128 number, at most 64 bits, in its shortest form.
    pub(super) fn sleb(&mut self) -> Result<i64, Damage> {
        let mut value = 0i64;
        let mut prev = 0u8;
        for i in 0..10 {
            let byte = self.byte()?;
            let shift = 7 * i;
            if i == 9 && byte != 0 && byte != 0x7f {
                return Err(Damage::Number);
            }
            value |= i64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if i > 0 && ((byte == 0 && prev & 0x40 == 0) || (byte == 0x7f && prev & 0x40 != 0))
                {
                    return Err(Damage::Number);
                }
                if shift + 7 < 64 && byte & 0x40 != 0 {
                    value |= -1i64 << (shift + 7);
                }
                return Ok(value);
            }
            prev = byte;
        }
        Err(Damage::Number)
    }

    /// A count of things that each take at least `each` bytes: a count the
    /// remaining bytes cannot hold is refused before anything is counted.
    pub(super) fn count(&mut self, each: u64) -> Result<u64, Damage> {
        let n = self.uleb()?;
        if n.saturating_mul(each.max(1)) > self.bytes.len() as u64 {
            return Err(Damage::Truncated);
        }
        Ok(n)
    }

    /// A length-prefixed byte string.
    pub(super) fn bytes(&mut self) -> Result<&'a [u8], Damage> {
        let n = self.uleb()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uleb(bytes: &[u8]) -> Result<u64, Damage> {
        Reader::new(bytes).uleb()
    }

    fn sleb(bytes: &[u8]) -> Result<i64, Damage> {
        Reader::new(bytes).sleb()
    }

    #[test]
    fn numbers_as_automerge_writes_them() {
        assert_eq!(uleb(&[0]), Ok(0));
        assert_eq!(uleb(&[0xe5, 0x8e, 0x26]), Ok(624_485));
        assert_eq!(uleb(&[0x80, 0x00]), Err(Damage::Number), "overlong");
        assert_eq!(uleb(&[0x80]), Err(Damage::Truncated));
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(uleb(&max), Ok(u64::MAX));
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(uleb(&over), Err(Damage::Number));
        assert_eq!(sleb(&[0x7f]), Ok(-1));
        assert_eq!(sleb(&[0xc0, 0xbb, 0x78]), Ok(-123_456));
        assert_eq!(sleb(&[0x3f]), Ok(63));
        assert_eq!(sleb(&[0xc0, 0x00]), Ok(64));
        assert_eq!(sleb(&[0xff, 0x7f]), Err(Damage::Number), "overlong -1");
        let min = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f];
        assert_eq!(sleb(&min), Ok(i64::MIN));
    }

    #[test]
    fn counts_are_held_to_the_bytes_left() {
        let mut r = Reader::new(&[0x05, 1, 2, 3]);
        assert_eq!(r.count(1), Err(Damage::Truncated));
        let mut r = Reader::new(&[0x03, 1, 2, 3]);
        assert_eq!(r.count(1), Ok(3));
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(r.count(32), Err(Damage::Truncated));
    }
}
