"""The engines behind the domain's ports: SQL, vector stores, embedders, extraction and OCR,
llama.cpp, kept files, model provisioning and waiting for servers."""
