//! Metadata values. Strings and arrays borrow from the map; arrays are indexed (element type,
//! count, byte span) while parsing and iterated on demand, never materialized.

use super::cursor::{Cursor, LenWidth};
use super::limits::MAX_ARRAY_DEPTH;
use super::ByteOrder;
use crate::error::{Error, ErrorKind, Result};
use std::borrow::Cow;
use std::fmt;

/// A metadata value type id (`enum gguf_type`). Open, so an unknown id can be reported as such.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueType(pub u32);

impl ValueType {
    /// u8
    pub const U8: ValueType = ValueType(0);
    /// i8
    pub const I8: ValueType = ValueType(1);
    /// u16
    pub const U16: ValueType = ValueType(2);
    /// i16
    pub const I16: ValueType = ValueType(3);
    /// u32
    pub const U32: ValueType = ValueType(4);
    /// i32
    pub const I32: ValueType = ValueType(5);
    /// f32
    pub const F32: ValueType = ValueType(6);
    /// bool (one byte)
    pub const BOOL: ValueType = ValueType(7);
    /// length-prefixed string
    pub const STRING: ValueType = ValueType(8);
    /// array: element type, count, elements
    pub const ARRAY: ValueType = ValueType(9);
    /// u64
    pub const U64: ValueType = ValueType(10);
    /// i64
    pub const I64: ValueType = ValueType(11);
    /// f64
    pub const F64: ValueType = ValueType(12);

    /// The name gguf-py uses, lower-cased (`u32`, `string`, `array`), or `unknown(N)`.
    pub fn name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self.0 {
            0 => "u8",
            1 => "i8",
            2 => "u16",
            3 => "i16",
            4 => "u32",
            5 => "i32",
            6 => "f32",
            7 => "bool",
            8 => "string",
            9 => "array",
            10 => "u64",
            11 => "i64",
            12 => "f64",
            n => return Cow::Owned(format!("unknown({n})")),
        })
    }

    /// Encoded size of a fixed-size value, `None` for strings, arrays and unknown ids.
    pub fn fixed_size(self) -> Option<u64> {
        match self.0 {
            0 | 1 | 7 => Some(1),
            2 | 3 => Some(2),
            4..=6 => Some(4),
            10..=12 => Some(8),
            _ => None,
        }
    }
}

impl fmt::Debug for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A string from the file: raw bytes, which may not be valid UTF-8.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GgufStr<'a>(pub &'a [u8]);

impl<'a> GgufStr<'a> {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The text, if valid UTF-8.
    pub fn to_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.0).ok()
    }
    /// The text with invalid sequences replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.0)
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for GgufStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

impl fmt::Display for GgufStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

/// One metadata value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// u8
    U8(u8),
    /// i8
    I8(i8),
    /// u16
    U16(u16),
    /// i16
    I16(i16),
    /// u32
    U32(u32),
    /// i32
    I32(i32),
    /// f32
    F32(f32),
    /// bool; the raw byte is kept (anything but 0 reads as true).
    Bool(u8),
    /// string
    String(GgufStr<'a>),
    /// array (lazy)
    Array(Array<'a>),
    /// u64
    U64(u64),
    /// i64
    I64(i64),
    /// f64
    F64(f64),
}

impl<'a> Value<'a> {
    /// The value's type as people read it: the type name, and `array[ELEM]` for arrays.
    pub fn type_label(&self) -> String {
        match self {
            Value::Array(a) if a.elem_type == ValueType::ARRAY => "array[array]".to_string(),
            Value::Array(a) => format!("array[{}]", a.elem_type.name()),
            _ => self.value_type().name().into_owned(),
        }
    }

    /// The value's type.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::U8(_) => ValueType::U8,
            Value::I8(_) => ValueType::I8,
            Value::U16(_) => ValueType::U16,
            Value::I16(_) => ValueType::I16,
            Value::U32(_) => ValueType::U32,
            Value::I32(_) => ValueType::I32,
            Value::F32(_) => ValueType::F32,
            Value::Bool(_) => ValueType::BOOL,
            Value::String(_) => ValueType::STRING,
            Value::Array(_) => ValueType::ARRAY,
            Value::U64(_) => ValueType::U64,
            Value::I64(_) => ValueType::I64,
            Value::F64(_) => ValueType::F64,
        }
    }

    /// Any integer (or bool) value that is non-negative, as u64.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U8(v) => Some(v as u64),
            Value::U16(v) => Some(v as u64),
            Value::U32(v) => Some(v as u64),
            Value::U64(v) => Some(v),
            Value::I8(v) => u64::try_from(v).ok(),
            Value::I16(v) => u64::try_from(v).ok(),
            Value::I32(v) => u64::try_from(v).ok(),
            Value::I64(v) => u64::try_from(v).ok(),
            Value::Bool(v) => Some((v != 0) as u64),
            _ => None,
        }
    }

    /// Any integer value as i64 (u64 above i64::MAX gives `None`).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::I8(v) => Some(v as i64),
            Value::I16(v) => Some(v as i64),
            Value::I32(v) => Some(v as i64),
            Value::I64(v) => Some(v),
            Value::U8(v) => Some(v as i64),
            Value::U16(v) => Some(v as i64),
            Value::U32(v) => Some(v as i64),
            Value::U64(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// Any numeric value as f64.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F32(v) => Some(v as f64),
            Value::F64(v) => Some(v),
            _ => self
                .as_i64()
                .map(|v| v as f64)
                .or_else(|| self.as_u64().map(|v| v as f64)),
        }
    }

    /// A bool value.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b != 0),
            _ => None,
        }
    }

    /// A string value.
    pub fn as_str(&self) -> Option<GgufStr<'a>> {
        match *self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// An array value.
    pub fn as_array(&self) -> Option<&Array<'a>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// An array value: element type, count and the byte span of its elements. Elements are decoded
/// on demand by [`Array::iter`] or [`Array::get`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Array<'a> {
    /// Element type.
    pub elem_type: ValueType,
    /// Number of elements.
    pub len: u64,
    /// File offset of the first element.
    pub offset: u64,
    /// The elements' bytes.
    pub bytes: &'a [u8],
    order: ByteOrder,
    width: LenWidth,
}

impl<'a> Array<'a> {
    /// Number of elements.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the array is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Iterates the elements in order.
    pub fn iter(&self) -> ArrayIter<'a> {
        ArrayIter {
            cur: Cursor::new(self.bytes, 0, self.order, self.width),
            elem: self.elem_type,
            left: self.len,
        }
    }

    /// Element `i`; O(1) for fixed-size element types, a walk for strings and arrays.
    pub fn get(&self, i: u64) -> Option<Value<'a>> {
        if i >= self.len {
            return None;
        }
        match self.elem_type.fixed_size() {
            Some(sz) => {
                let mut c = Cursor::new(self.bytes, (i * sz) as usize, self.order, self.width);
                read_scalar(&mut c, self.elem_type).ok()
            }
            None => self.iter().nth(i as usize),
        }
    }

    /// The elements as u64 when they are all non-negative integers (`None` otherwise). Allocates
    /// one `u64` per element: use it for per-layer arrays, not vocabularies.
    pub fn to_u64_vec(&self) -> Option<Vec<u64>> {
        self.iter().map(|v| v.as_u64()).collect()
    }

    /// The elements as f64 when they are all numeric.
    pub fn to_f64_vec(&self) -> Option<Vec<f64>> {
        self.iter().map(|v| v.as_f64()).collect()
    }
}

/// Iterator over an [`Array`]'s elements.
pub struct ArrayIter<'a> {
    cur: Cursor<'a>,
    elem: ValueType,
    left: u64,
}

impl<'a> Iterator for ArrayIter<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // The span was validated when the file was parsed, so this cannot fail; if it ever did,
        // the iteration ends instead of yielding garbage.
        match read_value(&mut self.cur, self.elem, 1) {
            Ok(v) => Some(v),
            Err(_) => {
                self.left = 0;
                None
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.left).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}

fn read_scalar<'a>(c: &mut Cursor<'a>, ty: ValueType) -> Result<Value<'a>> {
    const W: &str = "a metadata value";
    Ok(match ty.0 {
        0 => Value::U8(c.u8(W)?),
        1 => Value::I8(c.u8(W)? as i8),
        2 => Value::U16(c.u16(W)?),
        3 => Value::I16(c.u16(W)? as i16),
        4 => Value::U32(c.u32(W)?),
        5 => Value::I32(c.u32(W)? as i32),
        6 => Value::F32(f32::from_bits(c.u32(W)?)),
        7 => Value::Bool(c.u8(W)?),
        10 => Value::U64(c.u64(W)?),
        11 => Value::I64(c.u64(W)? as i64),
        12 => Value::F64(f64::from_bits(c.u64(W)?)),
        n => return Err(Error::at(c.pos(), ErrorKind::UnknownValueType(n))),
    })
}

/// Reads one value of type `ty` at the cursor. Arrays are walked (to find where they end and to
/// validate every length inside them) but not decoded. `depth` is the array nesting level.
pub(crate) fn read_value<'a>(c: &mut Cursor<'a>, ty: ValueType, depth: u32) -> Result<Value<'a>> {
    match ty {
        ValueType::STRING => Ok(Value::String(GgufStr(c.string("a string value")?))),
        ValueType::ARRAY => read_array(c, depth + 1).map(Value::Array),
        _ => read_scalar(c, ty),
    }
}

fn read_array<'a>(c: &mut Cursor<'a>, depth: u32) -> Result<Array<'a>> {
    if depth > MAX_ARRAY_DEPTH {
        return Err(Error::at(c.pos(), ErrorKind::NestingTooDeep(depth)));
    }
    let type_at = c.pos();
    let elem_type = ValueType(c.u32("an array's element type")?);
    let len_at = c.pos();
    let len = c.len("an array's length")?;
    let start = c.pos();
    // The smallest encoding of one element bounds the count by the bytes left.
    let min_elem = match elem_type.fixed_size() {
        Some(sz) => sz,
        None if elem_type == ValueType::STRING => c.len_size(),
        None if elem_type == ValueType::ARRAY => 4 + c.len_size(),
        None => return Err(Error::at(type_at, ErrorKind::UnknownValueType(elem_type.0))),
    };
    let max = c.remaining() / min_elem;
    if len > max {
        return Err(Error::at(
            len_at,
            ErrorKind::CountTooLarge {
                what: "array length",
                count: len,
                max,
            },
        ));
    }
    match elem_type.fixed_size() {
        Some(sz) => {
            c.take(len * sz, "an array's elements")?;
        }
        None if elem_type == ValueType::STRING => {
            for _ in 0..len {
                c.string("a string in an array")?;
            }
        }
        None => {
            for _ in 0..len {
                read_array(c, depth + 1)?;
            }
        }
    }
    let end = c.pos();
    let span = c.span(start, end);
    Ok(Array {
        elem_type,
        len,
        offset: start,
        bytes: span,
        order: c.order(),
        width: c.width(),
    })
}
