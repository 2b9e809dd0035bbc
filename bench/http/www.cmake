# The HTTP benchmark's document root (bench/http_runner.py): a generated 10 MiB /big.bin, made at
# build time (never committed). Byte i is i % 251, as in bench/browser/www/js_http_server.js.
# Defines the target bench_http_www and sets <out_var> to the folder.
function(asio_ds_bench_http_www out_var)
  find_program(ASIO_DS_BENCH_PYTHON python3 REQUIRED)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/http_www)
  add_custom_command(OUTPUT ${dir}/big.bin
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${ASIO_DS_BENCH_PYTHON} -c
            "import sys; open(sys.argv[1], 'wb').write((bytes(range(251)) * 41776)[:10 << 20])"
            ${dir}/big.bin
    COMMENT "Generating the HTTP benchmark's 10 MiB big.bin"
    VERBATIM)
  add_custom_target(bench_http_www DEPENDS ${dir}/big.bin)
  set(${out_var} ${dir} PARENT_SCOPE)
endfunction()
