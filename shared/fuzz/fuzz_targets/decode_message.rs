#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    linli_shared::fuzzing::decode_message(data);
});
