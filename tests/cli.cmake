# The command line as a user meets it (issue 17, tests/cli/): the help
# against the man pages, the bash completion, every command's exit
# codes, and an install into a DESTDIR prefix that builds and signs the
# example site. A suite missing a tool exits 77 (Skipped), or fails
# under CI=true (tests/cli/lib.sh).
if(TARGET tearsheet)
  add_test(NAME cli_docs
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/docs.sh $<TARGET_FILE:tearsheet> ${CMAKE_SOURCE_DIR})
  add_test(NAME cli_completion
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/completion.sh $<TARGET_FILE:tearsheet> ${CMAKE_SOURCE_DIR})
  add_test(NAME cli_exit_codes
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/exit_codes.sh $<TARGET_FILE:tearsheet>)
  if(TARGET standin)
    add_test(NAME cli_install
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/install.sh ${CMAKE_BINARY_DIR}
                     ${CMAKE_SOURCE_DIR} $<TARGET_FILE:standin>)
    set_tests_properties(cli_install PROPERTIES TIMEOUT 900)
  endif()
endif()
