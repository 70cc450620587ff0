# html_fuzz: the html module's fuzz target, built as a plain program that
# replays its corpus (tests/corpus/html, tests/golden/html) through every
# entry point with the safety invariants checked. Build it with
# clang -fsanitize=fuzzer -DTS_LIBFUZZER to fuzz (docs/html.md).
if(TARGET ts_html)
  add_executable(html_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/html_fuzz.c)
  target_link_libraries(html_fuzz PRIVATE ts_html)
  add_test(NAME html_fuzz_replay COMMAND html_fuzz
           ${CMAKE_CURRENT_SOURCE_DIR}/corpus/html ${CMAKE_CURRENT_SOURCE_DIR}/golden/html)
endif()
