# build_exit: the JPEG+WebP+AVIF build that crashed LeakSanitizer at
# exit, run three times under pipes with the test preset's sanitizer
# options (tests/build_exit.py). Skipped without ../shared.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND TARGET tearsheet)
  add_test(NAME build_exit
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/build_exit.py
                   $<TARGET_FILE:tearsheet> ${TS_SHARED_DIR}/corpus/metadata)
endif()
