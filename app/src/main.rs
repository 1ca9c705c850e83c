fn main() {
    linli_app::start();
}
