# meta_corpus: `tearsheet meta --json` over ../shared/corpus/metadata
# compared with each FILE.expected.json (tests/meta_corpus.py). Prints
# Skipped when the shared corpus is absent.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND TARGET tearsheet)
  add_test(NAME meta_corpus
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/meta_corpus.py
            --binary $<TARGET_FILE:tearsheet>
            --corpus ${TS_SHARED_DIR}/corpus/metadata
            --c2pa-corpus ${TS_SHARED_DIR}/corpus/c2pa)
endif()
