# C2PA corpus: `tearsheet verify --json` against the reference
# implementation's output for every file of ../shared/corpus/c2pa
# (tests/c2pa_corpus.py; Skipped when the corpus is absent).
find_package(Python3 COMPONENTS Interpreter)
if(TARGET tearsheet AND TARGET ts_c2pa AND Python3_Interpreter_FOUND)
  add_test(NAME c2pa_corpus
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_corpus.py
                   $<TARGET_FILE:tearsheet> ${TS_SHARED_DIR}/corpus/c2pa)
endif()
if(TEST c2pa_corpus)
  # exit 77: the shared corpus is absent (a failure under CI=true)
  set_tests_properties(c2pa_corpus PROPERTIES SKIP_RETURN_CODE 77)
endif()
